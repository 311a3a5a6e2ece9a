import UKBridge

/// What the line tells the tree (`LiveTree`): a connection was adopted, or the guest's tree changed.
protocol LinkListener: AnyObject, Sendable {
    /// A new connection is live. `previous` is the last one's greeting (nil the first time);
    /// `listRoot`: the root is to be listed now. Awaited before the connection serves a waiting use.
    func adopted(previous: HelloInfo?, now: HelloInfo, listRoot: Bool) async
    /// An object was created or released in the guest.
    func changed(_ event: ObjectEvent)
}
