import CCurl
import CNcursesw
import CVulkan
import Vulkan
import CWebsockets
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The system-library shims compile, link and reach their libraries.
@Suite("System libraries")
struct SystemLibraryTests {
    @Test("ncursesw answers with its version and glibc's wcwidth knows wide characters")
    func ncurses() throws {
        // wcwidth answers -1 for everything outside a UTF-8 locale, as the console's start-up knows.
        #expect(setlocale(LC_ALL, "C.UTF-8") != nil)
        let version = String(cString: try #require(curses_version()))
        #expect(version.hasPrefix("ncurses"))
        #expect(mowai_wcwidth(0x754C) == 2)  // 界
        #expect(mowai_wcwidth(0x0301) == 0)  // combining acute accent
    }

    @Test("libcurl and libwebsockets report their versions")
    func networking() throws {
        #expect(String(cString: try #require(curl_version())).contains("libcurl"))
        #expect(!String(cString: try #require(lws_get_library_version())).isEmpty)
        #expect(mowai_lws_pre() > 0)
    }

    @Test("the Vulkan loader, opened at run time, reports an instance version of 1.2 or later")
    func vulkan() throws {
        let version = try VulkanLibrary.shared().instanceVersion()
        #expect(version.major == 1 && version.minor >= 2)
        #expect(mowai_vk_make_api_version(0, 1, 3, 0) == (1 << 22) | (3 << 12))
    }
}
