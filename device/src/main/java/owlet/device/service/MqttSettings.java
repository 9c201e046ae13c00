package owlet.device.service;

import java.nio.file.Path;

/**
 * The {@code mqtt.*} keys of {@link DeviceConfig}, checked: {@code url} is {@code tcp://} or
 * {@code ssl://} (the config's {@code mqtt://} and {@code mqtts://} are rewritten to these), {@code topic}
 * and {@code discoveryPrefix} have no wildcards and no trailing {@code /}, {@code clientId} is usable as a
 * Home Assistant node id. {@code password} is null without one (read from {@code mqtt.password-file}
 * when that is given); {@code caFile} null means the JDK's trusted certificates.
 */
public record MqttSettings(String url, String clientId, String topic, String username, String password,
        Path caFile, int qos, int queue, boolean discovery, String discoveryPrefix) {

    /** Each result line, retained: the last result is the device's current state. */
    public String resultTopic() {
        return topic + "/result";
    }

    /** {@code online} while connected, {@code offline} on a clean stop or (as the last will) when the link dies. */
    public String statusTopic() {
        return topic + "/status";
    }

    @Override
    public String toString() { // never print the password
        return "MqttSettings[url=" + url + ", clientId=" + clientId + ", topic=" + topic + ", username=" + username
                + ", password=" + (password == null ? "none" : "***") + ", caFile=" + caFile + ", qos=" + qos
                + ", queue=" + queue + ", discovery=" + discovery + ", discoveryPrefix=" + discoveryPrefix + "]";
    }
}
