import Foundation
import UKBridgeClient

/// What bounds how many instances one exporter follows: its descriptors. Each instance it holds
/// keeps four open (measured: the line's socket and its duplicate for direct writes, the line's
/// lock, the share's listening socket); memory is not the bound first reached (≈ 50 KiB an
/// instance, README "Density").
public enum DescriptorBudget {
    public static let perInstance = 4
    /// Kept for everything else: stdio, event loops, the HTTP clients (64 at most), other
    /// processes reading through this exporter's shares.
    public static let reserved = 256

    /// Instances that fit in `limit` descriptors.
    public static func instances(limit: Int) -> Int { max(0, (limit - reserved) / perInstance) }

    /// Why an instance past the budget is not exported, and what to do: one line.
    public static func reason(limit: Int) -> String {
        "over the \(instances(limit: limit)) instances \(limit) descriptors allow (\(perInstance) each): raise ulimit -n (LimitNOFILE=)"
    }
}
