# The Windows agent's xenstore transport behind the same seam as KVP: host items from vm-data/virtseal, guest items
# to data/service/virtseal and control/virtseal-*, facts from `vm`, over a fake xeniface session (its WMI methods
# GetValue / SetValue / RemoveValue / GetChildren, as WmiDocumentation.txt of win-xeniface describes them).
BeforeAll {
    . (Join-Path $PSScriptRoot '../../../../src/guest/windows/agent-xenstore.ps1')
    $script:Store = @{}
    function Invoke-XsMethod([string]$Method, [hashtable]$Arguments) {
        $p = $Arguments.PathName
        switch ($Method) {
            'GetValue' { if (-not $script:Store.ContainsKey($p)) { throw "ENOENT $p" }; return [pscustomobject]@{ value = $script:Store[$p] } }
            'SetValue' { if ($p -like 'vm-data/*') { throw "EACCES $p" }; $script:Store[$p] = $Arguments.value; return $null }
            'RemoveValue' { if (-not $script:Store.ContainsKey($p)) { throw "ENOENT $p" }; $script:Store.Remove($p); return $null }
            'GetChildren' {
                $kids = @($script:Store.Keys | Where-Object { $_ -like "$p/*" } | ForEach-Object { "$p/" + (($_.Substring($p.Length + 1)) -split '/')[0] } | Sort-Object -Unique)
                return [pscustomobject]@{ children = [pscustomobject]@{ NoOfChildNodes = $kids.Count; ChildNodes = $kids } }
            }
        }
    }
}

Describe 'xenstore transport' {
    BeforeEach { $script:Store = @{} }

    It 'reads host items from vm-data/virtseal with their dotted keys' {
        $script:Store['vm-data/virtseal/manifest'] = '3 abc 2 100'
        $script:Store['vm-data/virtseal/chunk/0'] = "line one`nline two"
        $script:Store['vm-data/virtseal/chunk/1'] = 'x'
        $script:Store['vm-data/other'] = 'not ours'
        $items = Read-HostItems
        $items.Keys | Sort-Object | Should -Be @('virtseal.chunk.0', 'virtseal.chunk.1', 'virtseal.manifest')
        $items['virtseal.chunk.0'] | Should -Be "line one`nline two"
    }

    It 'reads the VM id from the domain''s vm path' {
        $script:Store['vm'] = '/vm/0d2c6f0e-1111-2222-3333-444455556666'
        (Read-HostFacts).VirtualMachineId | Should -Be '0d2c6f0e-1111-2222-3333-444455556666'
        $script:Store.Remove('vm')
        (Read-HostFacts).Count | Should -Be 0
    }

    It 'writes guest items where a guest can still write after a live push, and removes them' {
        Write-GuestItem 'virtseal.status' 'applied 00 - mac'
        $script:Store['data/service/virtseal/status'] | Should -Be 'applied 00 - mac'
        $script:Store['control/virtseal-status'] | Should -Be 'applied 00 - mac'
        @($script:Store.Keys | Where-Object { $_ -like 'vm-data/*' }).Count | Should -Be 0
        Remove-GuestItem 'virtseal.status'
        $script:Store.Count | Should -Be 0
        { Remove-GuestItem 'virtseal.status' } | Should -Not -Throw
    }

    It 'treats a hostile key as data, never as a path outside the namespace' {
        $script:Store['vm-data/virtseal/x'] = 'ok'
        $script:Store['vm-data/virtseal/a b'] = 'skipped'
        (Read-HostItems).Keys | Should -Be @('virtseal.x')
    }
}
