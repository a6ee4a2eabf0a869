package org.labhub.proxy;

import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * Joins two WebSocket connections, the browser's and the notebook's, frame by frame. A frame is passed on as it
 * arrives (large ones in pieces, see {@code proxy.max_frame_kib}), and the next one is read from its side only when
 * the other side has taken it: a fast sender waits for a slow reader instead of filling the hub's memory.
 * Neither side is read until both are open. A close from either side closes the other with the same code and reason.
 * Pings and pongs are answered by each side's own connection, not passed across.
 */
final class FrameBridge {
    private final Half browser = new Half("browser");
    private final Half notebook = new Half("notebook");
    private final AtomicInteger open = new AtomicInteger();
    private final Runnable activity;
    private final AtomicInteger bridgesOpen;
    private final java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean();

    /** @param bridgesOpen counts bridges whose both sides are open, for the metrics */
    FrameBridge(Runnable activity, AtomicInteger bridgesOpen) {
        this.activity = activity;
        this.bridgesOpen = bridgesOpen;
        browser.peer = notebook;
        notebook.peer = browser;
    }

    FrameHandler browserSide() {
        return browser;
    }

    FrameHandler notebookSide() {
        return notebook;
    }

    /** Closes the notebook side when the browser side never opened (its upgrade failed after the notebook's succeeded). */
    void abandon() {
        CoreSession s = notebook.session;
        if (s != null) {
            s.close(CloseStatus.SHUTDOWN, "the browser's connection was not made", Callback.NOOP);
        }
    }

    private void opened() {
        if (open.incrementAndGet() == 2) {
            counted.set(true);
            bridgesOpen.incrementAndGet();
            browser.session.demand();
            notebook.session.demand();
        }
    }

    private final class Half implements FrameHandler {
        private final String name;
        private Half peer;
        private volatile CoreSession session;
        private volatile boolean closed;

        Half(String name) {
            this.name = name;
        }

        @Override
        public void onOpen(CoreSession s, Callback callback) {
            session = s;
            callback.succeeded();
            opened();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            activity.run();
            switch (frame.getOpCode()) {
                case OpCode.PING, OpCode.PONG -> {
                    // Completing the callback of a ping makes this side's connection answer it with a pong.
                    callback.succeeded();
                    session.demand();
                }
                case OpCode.CLOSE -> {
                    CloseStatus status = new CloseStatus(frame.getPayload());
                    // This side's connection answers the close when the callback completes; the other side is told now.
                    closePeerOf(status.getCode(), status.getReason());
                    callback.succeeded();
                }
                default -> {
                    CoreSession to = peer.session;
                    if (to == null || peer.closed) {
                        callback.failed(new IllegalStateException("the " + peer.name + " side is closed"));
                        return;
                    }
                    to.sendFrame(frame, Callback.from(() -> {
                        callback.succeeded();
                        session.demand();
                    }, callback::failed), false);
                }
            }
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus status, Callback callback) {
            closed = true;
            if (counted.compareAndSet(true, false)) {
                bridgesOpen.decrementAndGet();
            }
            closePeerOf(status.getCode(), status.getReason());
            callback.succeeded();
        }

        /** Passes this side's close on to the other side, once, with a code that may be sent on the wire. */
        void closePeerOf(int code, String reason) {
            CoreSession to = peer.session;
            if (to == null || peer.closed || !to.isOutputOpen()) {
                return;
            }
            int sendable = CloseStatus.isTransmittableStatusCode(code) ? code
                    : code == CloseStatus.NO_CODE ? CloseStatus.NORMAL : CloseStatus.SERVER_ERROR;
            to.close(sendable, reason, Callback.NOOP);
        }
    }
}
