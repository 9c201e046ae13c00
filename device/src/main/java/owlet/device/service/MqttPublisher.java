package owlet.device.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import owlet.runtime.command.Json;

/**
 * Sends each result line to an MQTT broker on a thread of its own, so a slow or absent broker never
 * holds up a trigger. Lines wait in a bounded queue while the broker is away; when it is full the oldest
 * is dropped and counted. The connection is retried with exponential backoff (0.5 s doubling to 30 s).
 * On each connect it publishes {@code online} (retained) on the status topic, whose last will is
 * {@code offline} (retained), and, when enabled, the Home Assistant discovery configs (retained).
 *
 * <p>At start ({@link #connectAtStart}) one connection is tried: a broker that refuses the user name or
 * password (or the client id) or a TLS failure is a configuration mistake and stops the service with one
 * line; a broker that is merely unreachable is not, the service starts and keeps trying.
 */
final class MqttPublisher implements AutoCloseable {
    private static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    private static final long FLUSH_AT_CLOSE_MILLIS = 3_000;
    private static final int TIMEOUT_SECONDS = 5;

    private final MqttSettings settings;
    private final String modelName;
    private final List<String> outputNames;
    private final PrintStream log;
    private final MqttClient client;
    private final MqttConnectOptions options;
    private final Thread thread;

    // guarded by this
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private long published;
    private long dropped;
    private boolean closing;
    private boolean connected;

    /** @param outputNames the configured output rules, one Home Assistant binary sensor each */
    MqttPublisher(MqttSettings settings, String modelName, List<String> outputNames, PrintStream log)
            throws IOException {
        this.settings = settings;
        this.modelName = modelName;
        this.outputNames = List.copyOf(outputNames);
        this.log = log;
        options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false); // reconnecting is this class's loop, with its own backoff
        options.setConnectionTimeout(TIMEOUT_SECONDS);
        options.setKeepAliveInterval(30);
        options.setMaxInflight(10);
        options.setWill(settings.statusTopic(), "offline".getBytes(StandardCharsets.US_ASCII), 1, true);
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password().toCharArray());
        }
        if (settings.caFile() != null) {
            options.setSocketFactory(socketFactory(settings.caFile()));
        }
        try {
            // In-memory persistence: Paho's default writes a directory into the working directory.
            client = new MqttClient(settings.url(), settings.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException("mqtt.url " + settings.url() + ": " + describe(e), e);
        }
        client.setTimeToWait(TIMEOUT_SECONDS * 1000L);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                synchronized (MqttPublisher.this) {
                    connected = false;
                    MqttPublisher.this.notifyAll();
                }
                log.println("owlet run: mqtt: connection to " + settings.url() + " lost: " + describe(cause)
                        + "; results are queued (at most " + settings.queue() + ") until it is back");
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // nothing is subscribed
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // publish() waits for this itself
            }
        });
        thread = new Thread(this::loop, "owlet-mqtt");
        thread.setDaemon(true);
    }

    /**
     * Tries the first connection. Throws when the broker refuses the credentials or the client id, or TLS
     * fails (mistakes no retry fixes); otherwise logs whether it is connected. Then starts the thread.
     */
    void connectAtStart() throws IOException {
        try {
            connect();
            log.println("owlet run: mqtt: connected to " + settings.url() + " as " + settings.clientId()
                    + "; results on " + settings.resultTopic());
        } catch (MqttException e) {
            if (isConfigurationMistake(e)) {
                throw new IOException("mqtt: " + settings.url() + " refused the connection: " + describe(e)
                        + hint(e));
            }
            log.println("owlet run: mqtt: cannot reach " + settings.url() + " (" + describe(e)
                    + "); starting anyway, retrying in the background, results are queued (at most "
                    + settings.queue() + ")");
        }
        thread.start();
    }

    /** Queues a result line; never blocks. When the queue is full the oldest line is dropped. */
    synchronized void publish(String line) {
        if (queue.size() >= settings.queue()) {
            queue.pollFirst();
            if (dropped++ == 0) {
                log.println("owlet run: mqtt: queue full (" + settings.queue() + "): dropping the oldest results"
                        + " until the broker is back (counted as mqtt_dropped in the health line)");
            }
        }
        queue.addLast(line);
        notifyAll();
    }

    /** For the health line. */
    synchronized String health() {
        return "mqtt=" + (connected ? "up" : "down") + " mqtt_published=" + published + " mqtt_queued="
                + queue.size() + " mqtt_dropped=" + dropped;
    }

    /** The publisher's counters at one moment. */
    record Counts(boolean connected, long published, long queued, long dropped) {
    }

    synchronized Counts counts() {
        return new Counts(connected, published, queue.size(), dropped);
    }

    synchronized long dropped() {
        return dropped;
    }

    synchronized long published() {
        return published;
    }

    /**
     * Sends what is queued (for at most 3 s if the broker is there), publishes {@code offline} and
     * disconnects.
     */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        if (thread.isAlive()) {
            try {
                thread.join(FLUSH_AT_CLOSE_MILLIS + 2L * TIMEOUT_SECONDS * 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (client.isConnected()) {
            try {
                client.publish(settings.statusTopic(), "offline".getBytes(StandardCharsets.US_ASCII), 1, true);
                client.disconnect(1000);
            } catch (MqttException e) {
                log.println("owlet run: mqtt: while disconnecting: " + describe(e));
            }
        }
        closeClient();
        synchronized (this) {
            connected = false;
            if (!queue.isEmpty()) {
                log.println("owlet run: mqtt: " + queue.size() + " results were not sent before the stop");
            }
        }
    }

    private void closeClient() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
            client.close(true);
        } catch (MqttException e) {
            log.println("owlet run: mqtt: while closing: " + describe(e));
        }
    }

    private void connect() throws MqttException {
        client.connect(options);
        try {
            client.publish(settings.statusTopic(), "online".getBytes(StandardCharsets.US_ASCII), 1, true);
            if (settings.discovery()) {
                for (Discovery d : discovery()) {
                    client.publish(d.topic(), d.config().getBytes(StandardCharsets.UTF_8), 1, true);
                }
            }
        } catch (MqttException e) {
            try {
                client.disconnectForcibly(0, 1000, false);
            } catch (MqttException ignored) {
                // the publish failure is the one to report
            }
            throw e;
        }
        synchronized (this) {
            connected = true;
        }
    }

    private void loop() {
        long backoff = FIRST_BACKOFF_MILLIS;
        long flushDeadline = Long.MAX_VALUE;
        String lastFailure = null;
        int failedTries = 0;
        while (true) {
            String line;
            boolean isConnected;
            synchronized (this) {
                if (closing && flushDeadline == Long.MAX_VALUE) {
                    flushDeadline = System.nanoTime() + FLUSH_AT_CLOSE_MILLIS * 1_000_000L;
                }
                if (closing && (queue.isEmpty() || !connected || System.nanoTime() - flushDeadline > 0)) {
                    return;
                }
                isConnected = connected && client.isConnected();
                if (isConnected && queue.isEmpty()) {
                    waitQuietly(1000);
                    continue;
                }
                line = isConnected ? queue.pollFirst() : null;
            }
            if (!isConnected) {
                try {
                    connect();
                    log.println("owlet run: mqtt: connected to " + settings.url()
                            + (failedTries > 0 ? " after " + failedTries + " failed tries" : ""));
                    backoff = FIRST_BACKOFF_MILLIS;
                    lastFailure = null;
                    failedTries = 0;
                } catch (MqttException e) {
                    synchronized (this) {
                        connected = false;
                    }
                    String failure = describe(e) + hint(e);
                    failedTries++;
                    if (!failure.equals(lastFailure) || failedTries % 10 == 0) { // not a line per try
                        log.println("owlet run: mqtt: cannot connect to " + settings.url() + ": " + failure
                                + "; next try in " + backoff + " ms (" + failedTries + " tries so far)");
                    }
                    lastFailure = failure;
                    pause(backoff);
                    backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                }
                continue;
            }
            try {
                client.publish(settings.resultTopic(), line.getBytes(StandardCharsets.UTF_8), settings.qos(), true);
                synchronized (this) {
                    published++;
                }
            } catch (MqttException e) {
                synchronized (this) {
                    connected = client.isConnected();
                    if (queue.size() < settings.queue()) {
                        queue.addFirst(line); // not sent: it goes first again
                    } else {
                        dropped++;
                    }
                }
                if (client.isConnected()) { // a timeout on a live connection: start afresh
                    try {
                        client.disconnectForcibly(0, 1000, false);
                    } catch (MqttException ignored) {
                        // it is being dropped anyway
                    }
                    synchronized (this) {
                        connected = false;
                    }
                    log.println("owlet run: mqtt: publishing failed: " + describe(e) + "; reconnecting");
                }
            }
        }
    }

    /** Waits out a backoff; only {@link #close} cuts it short (new results do not). */
    private synchronized void pause(long millis) {
        long until = System.nanoTime() + millis * 1_000_000L;
        for (long left = millis; left > 0 && !closing; left = (until - System.nanoTime()) / 1_000_000L) {
            waitQuietly(left);
        }
    }

    private void waitQuietly(long millis) {
        try {
            wait(millis);
        } catch (InterruptedException e) {
            closing = true;
        }
    }

    /** One retained Home Assistant discovery message. */
    record Discovery(String topic, String config) {
    }

    /**
     * The Home Assistant discovery configs: a sensor for the top label or best detection's label (the
     * whole result as its attributes), one for its score, and a binary sensor per output rule that is on when the result
     * switched that output on. All read the result topic and share the availability topic and device.
     */
    List<Discovery> discovery() {
        String node = settings.clientId();
        String base = settings.discoveryPrefix() + "/";
        // A classifier's line has "top", a detector's "detections"; either way the first is the best.
        String found = "(value_json.top | default(value_json.detections | default([])))";
        String top = found + "[0]";
        String hasTop = found;
        List<Discovery> list = new java.util.ArrayList<>();
        list.add(new Discovery(base + "sensor/" + node + "/label/config", entity("Label", node + "_label",
                "\"value_template\":" + Json.string("{{ " + top + ".label if " + hasTop + " else ('error' if"
                        + " value_json.error is defined else 'none') }}")
                        + ",\"json_attributes_topic\":" + Json.string(settings.resultTopic())
                        + ",\"icon\":\"mdi:label-outline\"")));
        list.add(new Discovery(base + "sensor/" + node + "/score/config", entity("Score", node + "_score",
                "\"value_template\":" + Json.string("{{ " + top + ".score if " + hasTop + " else 0 }}")
                        + ",\"state_class\":\"measurement\",\"suggested_display_precision\":2")));
        for (String output : outputNames) {
            list.add(new Discovery(base + "binary_sensor/" + node + "/" + output + "/config",
                    entity("Output " + output, node + "_output_" + output,
                            "\"value_template\":" + Json.string("{{ 'ON' if '" + output
                                    + "' in (value_json.outputs | default([])) else 'OFF' }}"))));
        }
        return list;
    }

    private String entity(String name, String uniqueId, String extra) {
        String node = settings.clientId();
        return "{\"name\":" + Json.string(name) + ",\"unique_id\":" + Json.string(uniqueId)
                + ",\"object_id\":" + Json.string(uniqueId)
                + ",\"state_topic\":" + Json.string(settings.resultTopic()) + "," + extra
                + ",\"availability_topic\":" + Json.string(settings.statusTopic())
                + ",\"payload_available\":\"online\",\"payload_not_available\":\"offline\""
                + ",\"device\":{\"identifiers\":[" + Json.string("owlet_" + node) + "],\"name\":"
                + Json.string("Owlet " + node) + ",\"manufacturer\":\"Owlet\",\"model\":" + Json.string(modelName)
                + "}}";
    }

    private static boolean isConfigurationMistake(MqttException e) {
        int code = e.getReasonCode();
        return code == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                || code == MqttException.REASON_CODE_NOT_AUTHORIZED
                || code == MqttException.REASON_CODE_INVALID_CLIENT_ID
                || code == MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION
                || causedBy(e, SSLException.class) || causedBy(e, java.security.cert.CertificateException.class);
    }

    private static String hint(MqttException e) {
        return switch (e.getReasonCode()) {
            case MqttException.REASON_CODE_FAILED_AUTHENTICATION, MqttException.REASON_CODE_NOT_AUTHORIZED ->
                    " (check mqtt.username and mqtt.password or mqtt.password-file)";
            case MqttException.REASON_CODE_INVALID_CLIENT_ID -> " (check mqtt.client-id)";
            default -> causedBy(e, SSLException.class) ? " (check mqtt.ca-file and that the certificate names the"
                    + " host of mqtt.url)" : "";
        };
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** Paho's message, then its cause's, on one line. */
    static String describe(Throwable t) {
        if (t == null) {
            return "unknown reason";
        }
        StringBuilder b = new StringBuilder(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        if (t instanceof MqttException m && m.getReasonCode() != MqttException.REASON_CODE_CLIENT_EXCEPTION) {
            b.append(" (MQTT code ").append(m.getReasonCode()).append(')');
        }
        Throwable cause = t.getCause();
        if (cause != null && cause.getMessage() != null && !b.toString().contains(cause.getMessage())) {
            b.append(": ").append(cause.getMessage());
        }
        return b.toString().replace('\n', ' ');
    }

    /** Trusts exactly the certificates of a PEM file (a private CA, a self-signed broker). */
    static SSLSocketFactory socketFactory(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException("mqtt.ca-file " + caFile + " holds no PEM certificate");
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                trusted.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return tls.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("mqtt.ca-file " + caFile + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }
}
