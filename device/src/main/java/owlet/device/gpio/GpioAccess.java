package owlet.device.gpio;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks, before Pi4J is started, that this user may open the GPIO character devices the GpioD
 * provider uses ({@code /dev/gpiochip*}), and says how to fix it when not: on Raspberry Pi OS the
 * devices belong to group {@code gpio} (Pi 4 and earlier) or, per Pi4J's notes for the Pi 5,
 * {@code dialout}. Root is never needed.
 */
public final class GpioAccess {
    private GpioAccess() {
    }

    /** Empty when at least one GPIO chip can be opened read-write; otherwise what is wrong and the fix. */
    public static Optional<String> problem(Path devDir) {
        List<Path> chips = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(devDir, "gpiochip*")) {
            ds.forEach(chips::add);
        } catch (IOException e) {
            // treated as no chips
        }
        if (chips.isEmpty()) {
            return Optional.of("no GPIO chip (" + devDir.resolve("gpiochip*") + ") on this machine: GPIO pins"
                    + " need a Raspberry Pi; elsewhere use trigger=timer or trigger=stdin and no output pins");
        }
        chips.sort(null);
        for (Path chip : chips) {
            if (Files.isReadable(chip) && Files.isWritable(chip)) {
                return Optional.empty();
            }
        }
        Path first = chips.get(0);
        String owner = "";
        try {
            PosixFileAttributes a = Files.readAttributes(first, PosixFileAttributes.class);
            owner = " (owned by " + a.owner().getName() + ":" + a.group().getName() + ")";
        } catch (IOException | UnsupportedOperationException e) {
            // the message is still useful without it
        }
        return Optional.of("user '" + System.getProperty("user.name") + "' may not open " + first + owner
                + ": add the user to group 'gpio' (Raspberry Pi 4 and earlier) or 'dialout' (Raspberry Pi 5),"
                + " e.g. 'sudo usermod -aG gpio,dialout " + System.getProperty("user.name")
                + "', then log in again (or restart the service); root is not needed");
    }
}
