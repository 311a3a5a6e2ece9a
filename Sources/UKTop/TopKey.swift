/// A key pressed in the full screen, as the view understands it (the terminal library's codes
/// are mapped to these by the drawing side).
public enum TopKey: Sendable, Equatable {
    case character(Character)
    case enter, escape, backspace
    case up, down, pageUp, pageDown, home, end
}
