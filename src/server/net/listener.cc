#include "server/net/listener.h"

#include <cstdio>
#include <exception>

#include "base/str.h"

namespace vigil::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

absl::Status Listen(tcp::acceptor& acceptor, const std::string& address, uint16_t port,
                    std::string_view label) {
  boost::system::error_code ec;
  asio::ip::address ip = asio::ip::make_address(address, ec);
  if (ec) return absl::InvalidArgumentError(StrCat(label, ": invalid listen address '", address, "'"));
  const tcp::endpoint endpoint(ip, port);
  auto fail = [&](std::string_view what) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return absl::UnavailableError(StrCat(label, ": cannot ", what, " ", address, ":", port, ": ",
                                         ec.message()));
  };
  if (acceptor.open(endpoint.protocol(), ec)) return fail("open socket for");
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec)) return fail("configure");
  if (acceptor.bind(endpoint, ec)) return fail("bind");
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec)) return fail("listen on");
  return absl::OkStatus();
}

void RunIoContext(asio::io_context& io, std::string_view label) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%.*s: io thread caught: %s\n", static_cast<int>(label.size()),
                   label.data(), e.what());
    }
  }
}

}  // namespace vigil::net
