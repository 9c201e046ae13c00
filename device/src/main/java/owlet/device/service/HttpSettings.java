package owlet.device.service;

/**
 * The {@code http.*} keys of {@link DeviceConfig}: the status page's address, the token it asks for
 * (null: none; required when {@code bind} is not a loopback address) and how many results it lists.
 */
public record HttpSettings(String bind, int port, String token, int history) {
    @Override
    public String toString() { // never print the token
        return "HttpSettings[bind=" + bind + ", port=" + port + ", token=" + (token == null ? "none" : "***")
                + ", history=" + history + "]";
    }
}
