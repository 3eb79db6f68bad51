import ArgumentParser
import Pipeline

/// The OCR options `index` and `update` take.
struct OCROptionGroup: ParsableArguments {
    @Flag(help: "Leave scanned pages unread (they wait for an update without it).")
    var noOcr = false

    @Option(help: ArgumentHelp("Minutes an update may spend reading scanned pages; the rest wait for the next.", valueName: "minutes"))
    var ocrBudget: Double = 30

    @Option(help: ArgumentHelp("Tesseract's languages for scanned pages (default: $DOSSIER_OCR_LANGUAGES, else eng+fra+spa).", valueName: "langs"))
    var ocrLanguages: String?

    func validate() throws {
        guard ocrBudget >= 0 else { throw ValidationError("--ocr-budget must be 0 or more minutes") }
        if let ocrLanguages, ocrLanguages.isEmpty || !ocrLanguages.allSatisfy({ $0.isLetter || $0 == "+" || $0 == "_" }) {
            throw ValidationError("--ocr-languages takes Tesseract's names joined by +, e.g. eng+fra+spa")
        }
    }

    /// The pipeline's OCR options, nil with --no-ocr.
    var options: OCROptions? {
        guard !noOcr else { return nil }
        var options = OCROptions()
        options.budgetMinutes = ocrBudget
        if let ocrLanguages { options.languages = ocrLanguages }
        return options
    }
}
