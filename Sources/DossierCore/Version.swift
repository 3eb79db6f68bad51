/// Dossier's version, as printed by `dossier --version` and sent in `User-Agent`.
public enum DossierVersion {
    /// Semantic version of this build.
    public static let string = "0.1.0"
}
