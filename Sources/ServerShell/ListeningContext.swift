import CWebsockets
#if canImport(Glibc)
import Glibc
#endif

/// The end of both servers' start: the interface to listen on, then the lws context and the port it
/// bound (the one asked for, or the kernel's pick for 0).
public enum ListeningContext {
    /// `host` "0.0.0.0" (or empty) listens on every IPv4 interface. Nil when nothing could listen there.
    public static func create(_ info: inout lws_context_creation_info, host: String) -> (context: OpaquePointer, port: Int)? {
        let interface = host == "0.0.0.0" || host.isEmpty ? nil : strdup(host)
        defer { free(interface) }
        info.iface = UnsafePointer(interface)
        if host == "0.0.0.0" { info.options |= mowai_lws_option_disable_ipv6() }
        guard let context = lws_create_context(&info) else { return nil }
        guard let vhost = lws_get_vhost_by_name(context, "default"), lws_get_vhost_listen_port(vhost) > 0 else {
            lws_context_destroy(context)
            return nil
        }
        return (context, Int(lws_get_vhost_listen_port(vhost)))
    }
}
