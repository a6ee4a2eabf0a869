"""Runs inside a kernel image's container (piped to `podman exec -i ... python3 -`) by kernels/test.sh.

Asks the running notebook server, over its Unix socket and REST API, to start a kernel (so the
kernelspec and the server's own launcher are what is tested), connects to that kernel with
jupyter_client through the connection file the server wrote, executes one line and prints what it
gave. Exits 0 when the output matches, 1 otherwise. Python 3 standard library + jupyter_client only.

Arguments: SOCKET BASE_URL TOKEN KERNEL_NAME CODE EXPECT [TIMEOUT_SECONDS]
"""
import http.client
import json
import os
import socket
import sys
import time

from jupyter_client import BlockingKernelClient


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


def api(sock, token, method, path, body=None, timeout=60):
    conn = UnixHTTPConnection(sock, timeout)
    headers = {"Authorization": "token " + token, "Host": "localhost"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    text = resp.read().decode("utf-8", "replace")
    conn.close()
    if resp.status >= 300:
        raise RuntimeError("%s %s -> %d %s" % (method, path, resp.status, text[:500]))
    return json.loads(text) if text else None


def main():
    sock, base, token, kernel_name, code, expect = sys.argv[1:7]
    timeout = float(sys.argv[7]) if len(sys.argv) > 7 else 60.0
    deadline = time.monotonic() + timeout
    t0 = time.monotonic()

    kernel = api(sock, token, "POST", base + "api/kernels", {"name": kernel_name})
    kid = kernel["id"]
    # The server writes the connection file into JUPYTER_RUNTIME_DIR (set by labhub-notebook).
    cfile = "/tmp/labhub-runtime/jupyter/kernel-%s.json" % kid
    while not os.path.exists(cfile):
        if time.monotonic() > deadline:
            raise RuntimeError("no connection file %s for kernel %s" % (cfile, kid))
        time.sleep(0.1)

    client = BlockingKernelClient(connection_file=cfile)
    client.load_connection_file()
    # No heartbeat channel: its 1 s deadline reports a kernel that is merely slow to start on a busy
    # machine as "died before replying"; the overall deadline bounds the wait instead.
    client.start_channels(hb=False)
    try:
        client.wait_for_ready(timeout=max(1.0, deadline - time.monotonic()))
        ready = time.monotonic() - t0
        msg_id = client.execute(code, store_history=False)
        outputs, error = [], None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("no idle status from the kernel within %.0f s" % timeout)
            msg = client.get_iopub_msg(timeout=left)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                outputs.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                outputs.append(content.get("data", {}).get("text/plain", ""))
            elif kind == "error":
                error = "%s: %s" % (content.get("ename"), content.get("evalue"))
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        ran = time.monotonic() - t0
    finally:
        client.stop_channels()
        try:
            api(sock, token, "DELETE", base + "api/kernels/" + kid)
        except Exception as e:  # the result matters more than the clean-up
            print("warning: could not shut the kernel down: %s" % e, file=sys.stderr)

    # Exactly the expected text, bar surrounding white space and carriage returns: stray terminal
    # escapes or warnings around the answer are failures too, because users would see them.
    text = "".join(outputs).replace("\r", "").strip()
    print("kernel %s ready in %.1f s, executed %r in %.1f s: %r" % (kernel_name, ready, code, ran - ready, text))
    if error:
        print("kernel error: %s" % error)
        return 1
    if text != expect.strip():
        print("expected %r" % expect)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:
        print("kernel check failed: %s: %s" % (type(e).__name__, e))
        sys.exit(1)
