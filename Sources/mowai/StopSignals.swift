import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM turned into a call of `stop` on a Dispatch queue, for the servers. Install it
/// before saying where the server listens: a signal that comes while the default action is already off
/// and the source not yet resumed is lost, so a script that sends SIGTERM as soon as it has read that
/// line must find the source running.
final class StopSignals {
    private let sources: [DispatchSourceSignal]

    init(_ stop: @escaping @Sendable () -> Void) {
        sources = [SIGINT, SIGTERM].map { number in
            // The default action (ending the process) off first, as Dispatch's signal sources want.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: stop)
            source.resume()
            return source
        }
    }

    func cancel() { sources.forEach { $0.cancel() } }
}
