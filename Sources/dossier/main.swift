// The `dossier` executable: everything lives in DossierCLI; this file only starts it.
import DossierCLI

await DossierMain.main()
