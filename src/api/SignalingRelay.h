#pragma once
// Cluster mode: a page's signaling socket that reached a node other than the room's owner is relayed to
// the owner (docs/cluster.md). The relay opens a WebSocket to the owner's /signal/{roomId} with the page's
// own token and the node's X-Rooms-Forwarded-By signature, then moves text frames both ways unchanged: the
// owner's SignalingServer runs the session, so the ICE candidates and media ports the page gets are the
// owner's. When the owner closes, the page's socket closes with the owner's code; when the owner cannot be
// reached or goes away, with 1011, and the page reconnects (through any node, to whoever holds the room).
#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "signaling/SignalingChannel.h"

namespace rooms {

class SignalingRelay {
 public:
  struct Target {
    std::string ownerUrl;   // the owner's internal URL (http://host:port)
    std::string path;       // /signal/{roomId}?token=... as the page sent it
    std::string requestId;  // signed with the node's id
    std::string forwardedBy;
    std::string clientIp;
  };
  // Up to this many frames from the page wait while the owner's socket opens.
  static constexpr size_t kMaxPending = 256;

  static std::shared_ptr<SignalingRelay> create(boost::asio::any_io_executor executor, Target target);
  virtual ~SignalingRelay() = default;

  // Opens the owner's socket; frames from the owner go to page.
  virtual void start(std::weak_ptr<signaling::SignalingChannel> page) = 0;
  // A frame from the page.
  virtual void send(std::string frame) = 0;
  // The page's socket is done: close the owner's.
  virtual void stop() = 0;
};

}  // namespace rooms
