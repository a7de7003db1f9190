import CNcursesw
import Console

/// What a terminal key means to the console.
public enum KeyMapping {
    public static func key(for code: CursesScreen.KeyCode) -> Key? {
        switch code {
        case .scalar(let scalar):
            switch scalar.value {
            case 3: return .controlC
            case 9: return .tab
            case 10, 13: return .enter
            case 8, 127: return .backspace
            case 27: return .escape
            case 0..<32: return nil
            default: return .character(Character(scalar))
            }
        case .function(let code):
            switch code {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BTAB: return .backTab
            case KEY_BACKSPACE: return .backspace
            case KEY_DC: return .delete
            case KEY_ENTER: return .enter
            default: return nil
            }
        }
    }
}
