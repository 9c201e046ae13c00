package owlet.device.service;

/** A bad or missing setting in the service's .properties file; the message names the key. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
