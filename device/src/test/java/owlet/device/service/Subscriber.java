package owlet.device.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A Paho client in a test that records every message it receives on its subscriptions. */
final class Subscriber implements AutoCloseable {
    record Message(String topic, String payload, boolean retained) {
    }

    /** What arrived and no {@link #next} has taken yet, in the order it arrived; guarded by itself. */
    private final List<Message> messages = new ArrayList<>();
    private final MqttClient client;
    private final MqttConnectOptions options;

    /**
     * @param cleanSession false: the broker keeps this client's subscriptions and queues QoS 1 messages
     *     for it while it is away (and across a restart, with persistence) until {@link #reconnect}
     */
    Subscriber(String url, String clientId, boolean cleanSession, String... topics) throws Exception {
        client = new MqttClient(url, clientId, new MemoryPersistence());
        options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // a test that restarts the broker calls reconnect() when it wants the queued messages
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                synchronized (messages) {
                    messages.add(new Message(topic, new String(m.getPayload(), StandardCharsets.UTF_8),
                            m.isRetained()));
                    messages.notifyAll();
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // publishes nothing
            }
        });
        client.connect(options);
        for (String t : topics) {
            client.subscribe(t, 1);
        }
    }

    /**
     * Connects again after the broker dropped this client; with a persistent session the broker then
     * sends what it queued meanwhile, in the order it received it.
     */
    void reconnect(long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            try {
                if (!client.isConnected()) {
                    client.connect(options);
                }
                return;
            } catch (MqttException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * The next message matching {@code which} within the time, or null; the others stay where they are, in
     * the order they arrived. (Taken out of a queue and put back, as before, they could fall behind a message
     * Paho delivered in between: a CI run once saw [5, 7, 6] where the broker had sent [5, 6, 7].)
     */
    Message next(Predicate<Message> which, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (messages) {
            while (true) {
                for (Iterator<Message> it = messages.iterator(); it.hasNext(); ) {
                    Message m = it.next();
                    if (which.test(m)) {
                        it.remove();
                        return m;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(messages, left);
            }
        }
    }

    /** Every message on {@code topic} that arrives within the time, up to {@code n}. */
    List<Message> collect(String topic, int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<Message> got = new ArrayList<>();
        while (got.size() < n) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            Message m = left <= 0 ? null : next(x -> x.topic().equals(topic), left);
            if (m == null) {
                break;
            }
            got.add(m);
        }
        return got;
    }

    @Override
    public void close() throws Exception {
        if (client.isConnected()) {
            client.disconnect(1000);
        }
        client.close(true);
    }
}
