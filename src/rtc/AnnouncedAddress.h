#pragma once
// Which IP address our ICE candidates announce when ROOMS_ANNOUNCED_IP is not set: the first IPv4 address of
// the named interface, else of the first interface that is up and not loopback, else 127.0.0.1 (a machine
// with no network can still hold calls between local browsers).
#include <string>

namespace rooms::rtc {

std::string detectAnnouncedIp(const std::string& interfaceName);

}  // namespace rooms::rtc
