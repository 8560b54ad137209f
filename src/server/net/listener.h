// TCP plumbing shared by Vigil's listeners (server/http, server/mllp): opening a
// listening socket and running an io_context's threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <utility>  // before asio: Boost 1.74 asio needs std::exchange under C++20

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "absl/status/status.h"

namespace vigil::net {

// Opens `acceptor` listening on address:port (port 0: any free port), with
// SO_REUSEADDR so a restarted server binds while old connections sit in
// TIME_WAIT (on Linux it does not allow two listeners on one port). Errors:
// InvalidArgument for an address that does not parse, Unavailable when the
// socket cannot be opened, bound or listened on; messages start with `label`.
// The acceptor is left closed on error.
absl::Status Listen(boost::asio::ip::tcp::acceptor& acceptor, const std::string& address,
                    uint16_t port, std::string_view label);

// Runs io.run() on the calling thread until it returns; an exception escaping a
// handler is logged (prefixed with `label`) and the loop resumes, so one bad
// handler does not take a thread away from the server.
void RunIoContext(boost::asio::io_context& io, std::string_view label);

}  // namespace vigil::net
