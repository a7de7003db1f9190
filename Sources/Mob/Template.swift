/// A step's message: text with `{{params.NAME}}` and `{{steps.ID.output}}` placeholders.
public struct Template: Sendable, Equatable, CustomStringConvertible {
    public enum Piece: Sendable, Equatable {
        case text(String)
        case parameter(String)
        case stepOutput(String)
    }

    public let pieces: [Piece]
    public let source: String

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case unclosed(at: Int)
        case unknownPlaceholder(String)

        public var description: String {
            switch self {
            case .unclosed(let offset): "a placeholder opened at character \(offset) is not closed with }}"
            case .unknownPlaceholder(let text):
                "{{\(text)}} is not a placeholder: use {{params.NAME}} or {{steps.ID.output}}"
            }
        }
    }

    public init(parsing source: String) throws(ParseError) {
        self.source = source
        var pieces: [Piece] = []
        var rest = Substring(source)
        while let open = rest.firstRange(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                throw .unclosed(at: source.distance(from: source.startIndex, to: open.lowerBound))
            }
            let inside = rest[open.upperBound..<close.lowerBound].trimmingWhitespace
            let parts = inside.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2, parts[0] == "params", !parts[1].isEmpty {
                pieces.append(.parameter(parts[1]))
            } else if parts.count == 3, parts[0] == "steps", !parts[1].isEmpty, parts[2] == "output" {
                pieces.append(.stepOutput(parts[1]))
            } else {
                throw .unknownPlaceholder(String(inside))
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }

    public var description: String { source }

    public var parameters: [String] {
        pieces.compactMap { if case .parameter(let name) = $0 { name } else { nil } }
    }

    public var steps: [String] {
        pieces.compactMap { if case .stepOutput(let id) = $0 { id } else { nil } }
    }

    /// The text with every placeholder filled; nil names what is missing.
    public func render(parameters values: [String: String], outputs: [String: String]) -> Result<String, MissingValue> {
        var text = ""
        for piece in pieces {
            switch piece {
            case .text(let literal): text += literal
            case .parameter(let name):
                guard let value = values[name] else { return .failure(.parameter(name)) }
                text += value
            case .stepOutput(let id):
                guard let value = outputs[id] else { return .failure(.stepOutput(id)) }
                text += value
            }
        }
        return .success(text)
    }

    public enum MissingValue: Error, Equatable, CustomStringConvertible {
        case parameter(String)
        case stepOutput(String)

        public var description: String {
            switch self {
            case .parameter(let name): "the flow was given no parameter \(name) ({{params.\(name)}})"
            case .stepOutput(let id): "step \(id) has no output yet ({{steps.\(id).output}})"
            }
        }
    }
}

extension Substring {
    var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<Swift.max(start, end)]
    }
}
