// Preloaded into Janus by bench/janus/run.sh, and nowhere else. Janus (janus_ice_setup_local) and libnice
// skip every interface flagged IFF_LOOPBACK when they choose where to gather ICE candidates, so inside the
// benchmark's network namespace, which has only lo by the project's network rule, Janus finds no address and
// fails every JSEP ("Error setting ICE locally"). Clearing the flag in what getifaddrs() reports lets Janus
// gather its 127.0.0.1 host candidate; the packets still go over lo and nowhere else.
#include <dlfcn.h>
#include <ifaddrs.h>
#include <net/if.h>

extern "C" int getifaddrs(struct ifaddrs** ifap) {
  using Real = int (*)(struct ifaddrs**);
  static const Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "getifaddrs"));
  if (!real) return -1;
  const int rc = real(ifap);
  if (rc == 0) {
    for (struct ifaddrs* i = *ifap; i; i = i->ifa_next) i->ifa_flags &= ~static_cast<unsigned>(IFF_LOOPBACK);
  }
  return rc;
}
