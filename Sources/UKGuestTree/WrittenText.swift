import Foundation
import UKBridge

/// Text a user writes to an entry — on the mount (`echo 3 > entry`) or with `ukfs set` — made into
/// the value its setter gets, or refused with the errno the writer gets, before anything reaches
/// the guest: not a value of the type is EINVAL; out of the type's range is ERANGE; a string
/// longer than the guest's `max_string` is EFBIG, the file-too-big of a text file.
public enum WrittenText {
    public struct Refusal: Error, Sendable, Equatable {
        public let errno: Int32
    }

    public static func value(_ text: [UInt8], as type: EntryType, maxString: Int) -> Result<Value, Refusal> {
        Value.parse(text, as: type, maxString: maxString).mapError { error in
            switch error {
            case .invalid: Refusal(errno: EINVAL)
            case .outOfRange: Refusal(errno: type == .charp ? EFBIG : ERANGE)
            }
        }
    }
}
