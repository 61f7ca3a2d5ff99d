// The virtseal CLI entry, run from source in tests (tsx), so tests need no prior build.
import '../../../src/cli/main';
