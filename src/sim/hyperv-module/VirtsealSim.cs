// The simulated Windows host's object model, compiled once by Add-Type and loaded by the fake modules: Hyper-V's
// output classes and enums with their real names, property names and types (Microsoft.HyperV.PowerShell,
// Microsoft.Vhd.PowerShell), CIM instances of the classes the scripts read, Hyper-V's exception type, a few Windows
// APIs that do not exist on Linux (DriveInfo roots, WindowsIdentity), and the client of the simulator's channel.
using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.HyperV.PowerShell
{
    public enum VMState { Other = 1, Running = 2, Off = 3, Stopping = 4, Saved = 6, Paused = 9, Starting = 10, Reset = 11, Saving = 32773, Pausing = 32776, Resuming = 32777, FastSaved = 32779, FastSaving = 32780, ForceShutdown = 32781, ForceReboot = 32782, Hibernated = 32783, ComponentServicing = 32784, RunningCritical = 32785, OffCritical = 32786, StoppingCritical = 32787, SavedCritical = 32788, PausedCritical = 32789, StartingCritical = 32790, ResetCritical = 32791, SavingCritical = 32792, PausingCritical = 32793, ResumingCritical = 32794, FastSavedCritical = 32795, FastSavingCritical = 32796 }
    public enum StartAction { Nothing = 2, StartIfRunning = 3, Start = 4 }
    public enum StopAction { TurnOff = 2, Save = 3, ShutDown = 4 }
    public enum CheckpointType { Disabled = 2, Production = 3, ProductionOnly = 4, Standard = 5 }
    public enum ControllerType { IDE = 0, SCSI = 1, PMEM = 2 }
    public enum OnOffState { On = 0, Off = 1 }
    public enum BootDevice { Floppy = 0, CD = 1, IDE = 2, LegacyNetworkAdapter = 3, NetworkAdapter = 4, VHD = 5 }
    public enum BootSourceType { Unknown = 0, Drive = 1, Network = 2, File = 3 }
    public enum VMSwitchType { Private = 0, Internal = 1, External = 2 }
    public enum VMNetworkAdapterVlanMode { Untagged = 0, Access = 1, Trunk = 2, Private = 3 }
    public enum SnapshotType { Standard = 0, Recovery = 1, Planned = 2, Missing = 3, Replica = 4, AppConsistentReplica = 5, SyncedReplica = 6 }

    public class VirtualizationException : Exception
    {
        public VirtualizationException(string message) : base(message) { }
    }
    public class VirtualizationInvalidArgumentException : VirtualizationException
    {
        public VirtualizationInvalidArgumentException(string message) : base(message) { }
    }

    public abstract class VirtualMachineBase
    {
        public string ComputerName { get; set; } = "";
        public string Name { get; set; } = "";
        public Guid Id { get; set; }
        public Guid VMId { get; set; }
        public string VMName { get; set; } = "";
        public VMState State { get; set; }
        public int Generation { get; set; }
        public string Path { get; set; } = "";
        public long ProcessorCount { get; set; }
        public long MemoryStartup { get; set; }
        public bool DynamicMemoryEnabled { get; set; }
        public string Notes { get; set; } = "";
        public Guid? ParentSnapshotId { get; set; }
        public string ParentSnapshotName { get; set; }
        public CheckpointType CheckpointType { get; set; }
        public string ConfigurationLocation { get; set; } = "";
    }
    public class VirtualMachine : VirtualMachineBase
    {
        public StartAction AutomaticStartAction { get; set; }
        public StopAction AutomaticStopAction { get; set; }
        public bool IsClustered { get; set; }
        public TimeSpan Uptime { get; set; }
        public string Version { get; set; } = "10.0";
    }
    public class VMSnapshot : VirtualMachineBase
    {
        public DateTime CreationTime { get; set; }
        public SnapshotType SnapshotType { get; set; }
    }

    public abstract class VirtualMachineDeviceBase
    {
        public string Name { get; set; } = "";
        public string Id { get; set; } = "";
        public Guid VMId { get; set; }
        public string VMName { get; set; } = "";
        public string ComputerName { get; set; } = "";
    }
    public abstract class DriveBase : VirtualMachineDeviceBase
    {
        public string Path { get; set; }
        public ControllerType ControllerType { get; set; }
        public int ControllerNumber { get; set; }
        public int ControllerLocation { get; set; }
    }
    public class HardDiskDrive : DriveBase { public ulong? MaximumIOPS { get; set; } }
    public class DvdDrive : DriveBase { public string DvdMediaType { get; set; } = "None"; }
    public abstract class VMNetworkAdapterBase : VirtualMachineDeviceBase
    {
        public string SwitchName { get; set; } = "";
        public string MacAddress { get; set; } = "000000000000";
        public bool DynamicMacAddressEnabled { get; set; }
        public string[] IPAddresses { get; set; } = new string[0];
        public bool IsLegacy { get; set; }
        public bool Connected { get; set; }
    }
    public class VMNetworkAdapter : VMNetworkAdapterBase { }
    public class VMNetworkAdapterVlanSetting
    {
        public VMNetworkAdapterVlanMode OperationMode { get; set; }
        public int AccessVlanId { get; set; }
        public int NativeVlanId { get; set; }
        public string ParentAdapterName { get; set; } = "";
        public Guid VMId { get; set; }
        public string VMName { get; set; } = "";
    }
    public class VMMemory
    {
        public long Startup { get; set; }
        public bool DynamicMemoryEnabled { get; set; }
        public long Minimum { get; set; }
        public long Maximum { get; set; }
        public int Buffer { get; set; }
        public int Priority { get; set; } = 50;
        public Guid VMId { get; set; }
        public string VMName { get; set; } = "";
    }
    public class VMBootSource
    {
        public BootSourceType BootType { get; set; }
        public string Description { get; set; } = "";
        public string FirmwarePath { get; set; } = "";
        public VirtualMachineDeviceBase Device { get; set; }
        // Identity of the boot entry inside the VM's firmware (what Set-VMFirmware -BootOrder is matched on).
        public override bool Equals(object other) { var o = other as VMBootSource; return o != null && o.FirmwarePath == FirmwarePath && o.BootType == BootType; }
        public override int GetHashCode() { return (FirmwarePath ?? "").GetHashCode(); }
    }
    public class VMFirmware
    {
        public OnOffState SecureBoot { get; set; }
        public string SecureBootTemplate { get; set; } = "";
        public Guid? SecureBootTemplateId { get; set; }
        public string PreferredNetworkBootProtocol { get; set; } = "IPv4";
        public VMBootSource[] BootOrder { get; set; } = new VMBootSource[0];
        public Guid VMId { get; set; }
        public string VMName { get; set; } = "";
    }
    public class VMBios
    {
        public bool NumLockEnabled { get; set; }
        public BootDevice[] StartupOrder { get; set; } = new BootDevice[0];
        public Guid VMId { get; set; }
        public string VMName { get; set; } = "";
    }
    public class VMSecurity
    {
        public bool TpmEnabled { get; set; }
        public bool KsdEnabled { get; set; }
        public bool Shielded { get; set; }
        public bool EncryptStateAndVmMigrationTraffic { get; set; }
        public bool VirtualizationBasedSecurityOptOut { get; set; }
        public bool BindToHostTpm { get; set; }
    }
    public class VMKeyProtector { }
    public class VMHost
    {
        public string ComputerName { get; set; } = "";
        public string Name { get; set; } = "";
        public string VirtualMachinePath { get; set; } = "";
        public string VirtualHardDiskPath { get; set; } = "";
        public long LogicalProcessorCount { get; set; }
        public long MemoryCapacity { get; set; }
    }
    public class VMSwitch
    {
        public string ComputerName { get; set; } = "";
        public string Name { get; set; } = "";
        public Guid Id { get; set; }
        public VMSwitchType SwitchType { get; set; }
    }
    public class VMIntegrationComponent
    {
        public string Name { get; set; } = "";
        public string Id { get; set; } = "";
        public bool Enabled { get; set; }
        public Guid VMId { get; set; }
        public string VMName { get; set; } = "";
    }
}

namespace Microsoft.Vhd.PowerShell
{
    public enum VhdFormat { Unknown = 0, VHD = 2, VHDX = 3, VHDSet = 4 }
    public enum VhdType { Unknown = 0, Fixed = 2, Dynamic = 3, Differencing = 4 }
    public class VirtualHardDisk
    {
        public string ComputerName { get; set; } = "";
        public string Path { get; set; } = "";
        public VhdFormat VhdFormat { get; set; }
        public VhdType VhdType { get; set; }
        public ulong FileSize { get; set; }
        public ulong Size { get; set; }
        public ulong MinimumSize { get; set; }
        public string ParentPath { get; set; } = "";
        public bool Attached { get; set; }
        public string DiskIdentifier { get; set; } = "";
    }
}

namespace VirtsealSim.Cim
{
    // Stands in for Microsoft.Management.Infrastructure.CimInstance (which needs the Windows WMI service): one class per
    // CIM class the scripts read, with the CIM class's property names and types.
    public abstract class CimObject
    {
        [JsonIgnore] public string CimClassName { get { return GetType().Name; } }
        public string CimNamespace { get; set; } = "";
    }
    public class Msvm_ComputerSystem : CimObject { public string Name { get; set; } = ""; public string ElementName { get; set; } = ""; public ushort EnabledState { get; set; } }
    public class Msvm_VirtualSystemManagementService : CimObject { public string Name { get; set; } = ""; public string SystemName { get; set; } = ""; }
    public class Msvm_ConcreteJob : CimObject
    {
        public string InstanceID { get; set; } = "";
        public ushort? JobState { get; set; }
        public ushort? ErrorCode { get; set; }
        public string ErrorDescription { get; set; }
        public ushort? PercentComplete { get; set; }
    }
    public class Msvm_KvpExchangeComponent : CimObject
    {
        public string SystemName { get; set; } = "";
        public string[] GuestExchangeItems { get; set; }
        public string[] GuestIntrinsicExchangeItems { get; set; }
    }
    public class Msvm_KvpExchangeComponentSettingData : CimObject
    {
        public string InstanceID { get; set; } = "";
        public string[] HostExchangeItems { get; set; }
    }
    public class Msvm_ShutdownComponent : CimObject { public string SystemName { get; set; } = ""; public string DeviceID { get; set; } = ""; }
    public class MSCluster_Cluster : CimObject { public string Name { get; set; } = ""; }
    public class MSCluster_Node : CimObject { public string Name { get; set; } = ""; }
    public class MSCluster_ResourceGroup : CimObject { public string Name { get; set; } = ""; public string Id { get; set; } = ""; }
    public class VirtualMachinePrivateProperties { public string VmID { get; set; } = ""; public string OfflineAction { get; set; } = "1"; }
    public class IPAddressPrivateProperties { public string Address { get; set; } = ""; public string SubnetMask { get; set; } = ""; }
    public class MSCluster_Resource : CimObject
    {
        public string Name { get; set; } = "";
        public string Type { get; set; } = "";
        public string OwnerGroup { get; set; } = "";
        [JsonIgnore] public object PrivateProperties { get; set; }
        public VirtualMachinePrivateProperties VmProperties { set { PrivateProperties = value; } get { return null; } }
        public IPAddressPrivateProperties IpProperties { set { PrivateProperties = value; } get { return null; } }
    }
    // Stands in for Microsoft.Management.Infrastructure.CimMethodResult: ReturnValue plus the out parameters.
    public class CimMethodResult { public uint ReturnValue { get; set; } }
    public class KvpMethodResult : CimMethodResult { public Msvm_ConcreteJob Job { get; set; } }
    public class CimException : Exception
    {
        public CimException(string message) : base(message) { }
    }
}

namespace VirtsealSim
{
    // System.IO.DriveInfo as on Windows: a drive letter or root only ("C:\"), refusing UNC roots; sizes come from the
    // simulated host's storage.
    public class WindowsDriveInfo
    {
        public static long Free;
        public static long Total;
        public string Name { get; private set; }
        public WindowsDriveInfo(string driveName)
        {
            if (driveName == null) throw new ArgumentNullException("driveName");
            if (driveName.Length == 1 || (driveName.Length >= 2 && driveName[1] == ':' && (driveName.Length == 2 || (driveName.Length == 3 && (driveName[2] == '\\' || driveName[2] == '/')))))
            {
                if (!char.IsLetter(driveName[0])) throw new ArgumentException("Object must be a root directory (\"C:\\\") or a drive letter (\"C\").", "driveName");
                Name = char.ToUpperInvariant(driveName[0]) + ":\\";
                return;
            }
            throw new ArgumentException("Object must be a root directory (\"C:\\\") or a drive letter (\"C\").", "driveName");
        }
        public long AvailableFreeSpace { get { return Free; } }
        public long TotalFreeSpace { get { return Free; } }
        public long TotalSize { get { return Total; } }
        public string DriveFormat { get { return "NTFS"; } }
        public bool IsReady { get { return true; } }
    }
    public enum WindowsBuiltInRole { Administrator = 544, User = 545, Guest = 546 }
    public class WindowsIdentity
    {
        public string Name { get; set; } = "";
        public static WindowsIdentity GetCurrent() { return new WindowsIdentity { Name = Environment.GetEnvironmentVariable("USERDOMAIN") + "\\" + Environment.GetEnvironmentVariable("USERNAME") }; }
    }
    public class WindowsPrincipal
    {
        public WindowsIdentity Identity { get; private set; }
        public WindowsPrincipal(WindowsIdentity identity) { Identity = identity; }
        // The simulated SSH account is a member of the host's Administrators group (as a Hyper-V admin account is).
        public bool IsInRole(WindowsBuiltInRole role) { return role == WindowsBuiltInRole.Administrator || role == WindowsBuiltInRole.User; }
        public bool IsInRole(System.Security.Principal.WindowsBuiltInRole role) { return IsInRole((WindowsBuiltInRole)(int)role); }
    }

    // An error the simulated platform reported: the message, the .NET exception type it carries on Windows, and the
    // error category / id Hyper-V uses.
    public class PlatformError : Exception
    {
        public string ExceptionType { get; private set; }
        public string Category { get; private set; }
        public string ErrorId { get; private set; }
        public PlatformError(string message, string type, string category, string errorId) : base(message) { ExceptionType = type; Category = category; ErrorId = errorId; }
        public Exception ToException()
        {
            switch (ExceptionType)
            {
                case "VirtualizationInvalidArgumentException": return new Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException(Message);
                case "CimException": return new VirtsealSim.Cim.CimException(Message);
                case "ArgumentException": return new ArgumentException(Message);
                case "ItemNotFoundException": return new System.Management.Automation.ItemNotFoundException(Message);
                default: return new Microsoft.HyperV.PowerShell.VirtualizationException(Message);
            }
        }
    }

    // One connection per process to the simulator (a unix socket named in VIRTSEAL_SIM_CHANNEL); newline-delimited JSON
    // requests {cmdlet, script, params} and answers {ok, result} / {ok:false, error}.
    public static class Channel
    {
        static Socket socket;
        static NetworkStream stream;
        static StreamReader reader;
        static readonly object gate = new object();
        public static readonly JsonSerializerOptions Options = MakeOptions();

        static JsonSerializerOptions MakeOptions()
        {
            var o = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
            o.Converters.Add(new JsonStringEnumConverter());
            o.Converters.Add(new DeviceConverter());
            return o;
        }

        public static string Call(string cmdlet, string script, string paramsJson)
        {
            lock (gate)
            {
                if (socket == null)
                {
                    var path = Environment.GetEnvironmentVariable("VIRTSEAL_SIM_CHANNEL");
                    if (string.IsNullOrEmpty(path)) throw new InvalidOperationException("the simulated host's channel is not set (VIRTSEAL_SIM_CHANNEL)");
                    socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    socket.Connect(new UnixDomainSocketEndPoint(path));
                    stream = new NetworkStream(socket, true);
                    reader = new StreamReader(stream, new UTF8Encoding(false));
                }
                var request = "{\"cmdlet\":" + JsonSerializer.Serialize(cmdlet) + ",\"script\":" + JsonSerializer.Serialize(script ?? "") +
                    ",\"connection\":" + JsonSerializer.Serialize(Environment.GetEnvironmentVariable("VIRTSEAL_SIM_CONNECTION") ?? "") +
                    ",\"params\":" + (string.IsNullOrEmpty(paramsJson) ? "{}" : paramsJson) + "}\n";
                var bytes = new UTF8Encoding(false).GetBytes(request);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush();
                var line = reader.ReadLine();
                if (line == null) throw new IOException("the simulated host closed its channel");
                using (var doc = JsonDocument.Parse(line))
                {
                    var root = doc.RootElement;
                    if (root.GetProperty("ok").GetBoolean()) return root.GetProperty("result").GetRawText();
                    var e = root.GetProperty("error");
                    throw new PlatformError(e.GetProperty("message").GetString(), Str(e, "type"), Str(e, "category"), Str(e, "errorId"));
                }
            }
        }

        static string Str(JsonElement e, string name)
        {
            JsonElement v;
            return e.TryGetProperty(name, out v) && v.ValueKind == JsonValueKind.String ? v.GetString() : "";
        }

        public static object Convert(string json, Type type)
        {
            return JsonSerializer.Deserialize(json, type, Options);
        }
    }

    // Boot entries carry the device they boot: {"kind":"HardDiskDrive"|"DvdDrive"|"VMNetworkAdapter", ...}.
    public class DeviceConverter : JsonConverter<Microsoft.HyperV.PowerShell.VirtualMachineDeviceBase>
    {
        public override Microsoft.HyperV.PowerShell.VirtualMachineDeviceBase Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using (var doc = JsonDocument.ParseValue(ref reader))
            {
                var kind = doc.RootElement.GetProperty("kind").GetString();
                var text = doc.RootElement.GetRawText();
                var inner = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
                inner.Converters.Add(new JsonStringEnumConverter());
                switch (kind)
                {
                    case "DvdDrive": return JsonSerializer.Deserialize<Microsoft.HyperV.PowerShell.DvdDrive>(text, inner);
                    case "VMNetworkAdapter": return JsonSerializer.Deserialize<Microsoft.HyperV.PowerShell.VMNetworkAdapter>(text, inner);
                    default: return JsonSerializer.Deserialize<Microsoft.HyperV.PowerShell.HardDiskDrive>(text, inner);
                }
            }
        }
        public override void Write(Utf8JsonWriter writer, Microsoft.HyperV.PowerShell.VirtualMachineDeviceBase value, JsonSerializerOptions options)
        {
            JsonSerializer.Serialize(writer, (object)value, value.GetType());
        }
    }
}
