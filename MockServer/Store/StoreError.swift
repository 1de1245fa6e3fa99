/// Failures of the store that are not contract rules: duplicates in the control API and
/// validation of seeds. Faces map them to their wire shape; raw database errors never leave the store.
public enum StoreError: Error, Sendable, Hashable {
    /// A workspace, team or token with that name already exists.
    case alreadyExists(resource: String, name: String)
}
