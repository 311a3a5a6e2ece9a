import Foundation

/// Who holds the line, as the STATUS answer tells it.
struct ShareIdentity: Sendable {
    let pid: pid_t
    let command: String
}
