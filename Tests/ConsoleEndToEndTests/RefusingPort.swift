import Foundation
import Synchronization
import EndToEndSupport

/// A 127.0.0.1 port that refuses connections for as long as the value lives: the socket is bound (so no
/// one else gets the port) but never listens.
final class RefusingPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard descriptor >= 0, bound else { throw ConsoleTestError("cannot bind a port on 127.0.0.1") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}

final class LogBuffer: Sendable {
    let data = Mutex(Data())
}

struct ConsoleTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
