import ArgumentParser
import DossierCore
import Pipeline

/// The OCR options `index` and `update` take.
struct OCROptionGroup: ParsableArguments {
    @Flag(help: "Leave scanned pages unread (they wait for an update without it).")
    var noOcr = false

    @Option(help: ArgumentHelp("Minutes an update may spend reading scanned pages; the rest wait for the next (default: dossier.json's ocr.budget_minutes, else 30).", valueName: "minutes"))
    var ocrBudget: Double?

    @Option(help: ArgumentHelp("Tesseract's languages for scanned pages (default: $DOSSIER_OCR_LANGUAGES, else dossier.json's ocr.languages, else eng+fra+spa).", valueName: "langs"))
    var ocrLanguages: String?

    func validate() throws {
        if let ocrBudget, ocrBudget < 0 { throw ValidationError("--ocr-budget must be 0 or more minutes") }
        if let ocrLanguages, !WorkspaceSettings.validLanguages(ocrLanguages) {
            throw ValidationError("--ocr-languages takes Tesseract's names joined by +, e.g. eng+fra+spa")
        }
    }

    /// The pipeline's OCR options, nil with --no-ocr.
    var options: OCROptions? {
        guard !noOcr else { return nil }
        var options = OCROptions()
        options.budgetMinutes = ocrBudget
        options.languages = ocrLanguages
        return options
    }
}
