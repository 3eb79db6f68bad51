// The `dossier` executable: everything lives in DossierCLI; this file sets
// the process's allocator (see the shim) and starts it.
import CMemory
import DossierCLI

dossier_keep_freed_memory()
await DossierMain.main()
