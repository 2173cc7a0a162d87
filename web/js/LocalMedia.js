// The participant's own microphone and camera: capture, mute state, device lists and switching.
//
// Only what the token permits is captured. A device that cannot be opened (none present, permission
// denied) leaves that track null; the page still joins and can receive.

export class LocalMedia extends EventTarget {
  constructor({ audio, video }) {
    super();
    this.wantAudio = audio;
    this.wantVideo = video;
    this.audio = null;
    this.video = null;
    this.stream = new MediaStream(); // self view (video only; the self view is muted anyway)
    this.audioMuted = false;
    this.videoMuted = false;
    this.audioDeviceId = null;
    this.videoDeviceId = null;
    this.errors = [];
  }

  async start() {
    if (!navigator.mediaDevices?.getUserMedia) {
      this.errors.push('this browser cannot capture media here (an insecure page?)');
      return this;
    }
    // Both at once (one permission prompt); one by one when that fails, so a missing camera does not cost
    // the microphone.
    if (this.wantAudio && this.wantVideo) {
      try {
        const s = await navigator.mediaDevices.getUserMedia({ audio: true, video: videoConstraints() });
        this.#set('audio', s.getAudioTracks()[0] ?? null);
        this.#set('video', s.getVideoTracks()[0] ?? null);
        return this;
      } catch (e) {
        this.errors.push(`camera and microphone: ${e.name}`);
      }
    }
    if (this.wantAudio) {
      this.#set('audio', await this.#open('audio').catch((e) => (this.errors.push(`microphone: ${e.name}`), null)));
    }
    if (this.wantVideo) {
      this.#set('video', await this.#open('video').catch((e) => (this.errors.push(`camera: ${e.name}`), null)));
    }
    return this;
  }

  async #open(kind, deviceId) {
    const c = kind === 'audio'
      ? { audio: deviceId ? { deviceId: { exact: deviceId } } : true }
      : { video: videoConstraints(deviceId) };
    const s = await navigator.mediaDevices.getUserMedia(c);
    return (kind === 'audio' ? s.getAudioTracks() : s.getVideoTracks())[0] ?? null;
  }

  #set(kind, track) {
    const old = this[kind];
    if (old) {
      this.stream.removeTrack(old);
      old.stop();
    }
    this[kind] = track;
    if (track) {
      track.enabled = !(kind === 'audio' ? this.audioMuted : this.videoMuted);
      if (kind === 'video') this.stream.addTrack(track);
      const id = track.getSettings?.().deviceId ?? null;
      if (kind === 'audio') this.audioDeviceId = id;
      else this.videoDeviceId = id;
    }
  }

  setMuted(kind, muted) {
    if (kind === 'audio') this.audioMuted = muted;
    else this.videoMuted = muted;
    if (this[kind]) this[kind].enabled = !muted;
  }

  // Opens another device of that kind; resolves the new track (the caller hands it to replaceTrack).
  async switchDevice(kind, deviceId) {
    const track = await this.#open(kind, deviceId);
    this.#set(kind, track);
    return track;
  }

  // {audioinput: [{deviceId, label}], videoinput: [...]}; labels are empty until permission is granted.
  async devices() {
    const out = { audioinput: [], videoinput: [] };
    if (!navigator.mediaDevices?.enumerateDevices) return out;
    const list = await navigator.mediaDevices.enumerateDevices();
    for (const d of list) {
      if (d.kind in out && d.deviceId) {
        out[d.kind].push({ deviceId: d.deviceId, label: d.label || `${d.kind === 'audioinput' ? 'Microphone' : 'Camera'} ${out[d.kind].length + 1}` });
      }
    }
    return out;
  }

  stop() {
    for (const t of [this.audio, this.video]) t?.stop();
  }
}

function videoConstraints(deviceId) {
  return {
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 30, max: 30 },
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  };
}
