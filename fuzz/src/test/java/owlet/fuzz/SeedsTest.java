package owlet.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import owlet.device.service.DeviceConfig;
import owlet.runtime.api.Labels;
import owlet.runtime.image.Images;
import owlet.runtime.image.RgbImage;

/**
 * The committed seeds are what they claim: the model seeds are {@link SeedGenerator}'s current output, and
 * every seed of every target is a valid input (a model that runs, an image that decodes, a label file and a
 * configuration that load), so fuzzing starts from the inputs' accepted paths, not from their first check.
 * Inputs named {@code finding-*} are the fuzzers' findings and {@code corpus-*} a merged corpus of a long
 * run, both kept for the regression replay and neither valid throughout, so not seeds. With {@code -Dowlet.fuzz.writeSeeds=true} it first writes the generated seeds into src/test/resources.
 */
class SeedsTest {
    private static final Path INPUTS = SeedGenerator.RESOURCES;

    @BeforeAll
    static void writeWhenAsked() throws IOException {
        if (Boolean.getBoolean("owlet.fuzz.writeSeeds")) {
            SeedGenerator.writeAll(INPUTS);
        }
    }

    /** Seeds are valid inputs; a target's directory also holds its findings and a merged fuzzing corpus. */
    private static boolean isSeed(String fileName) {
        return !fileName.startsWith("finding-") && !fileName.startsWith("corpus-");
    }

    private static List<Path> seeds(String dir) throws IOException {
        try (Stream<Path> s = Files.list(INPUTS.resolve(dir))) {
            List<Path> files = s.filter(p -> isSeed(p.getFileName().toString())).sorted().toList();
            assertTrue(files.size() >= 3, dir + " has " + files.size() + " seeds");
            return files;
        }
    }

    @Test
    void committedModelSeedsAreTheGeneratorsOutput() throws IOException {
        for (Map.Entry<String, byte[]> e : SeedGenerator.models().entrySet()) {
            Path file = INPUTS.resolve("ModelFuzzTestInputs/loadAndRun").resolve(e.getKey());
            assertArrayEquals(e.getValue(), Files.readAllBytes(file), file + " differs from SeedGenerator's");
        }
    }

    @Test
    void everyModelSeedRuns() throws Exception {
        for (Path p : seeds("ModelFuzzTestInputs/loadAndRun")) {
            byte[] data = Files.readAllBytes(p);
            assertTrue(data.length < 64 << 10, p + " is " + data.length + " bytes");
            assertTrue(ModelFuzzTest.loadAndRun(data, p.toString()), p + " was not run");
        }
    }

    @Test
    void everyImageSeedDecodes() throws IOException {
        List<Path> seeds = seeds("ImageFuzzTestInputs/decode");
        for (String ext : List.of(".ppm", ".pgm", ".bmp", ".png", ".jpg")) {
            assertTrue(seeds.stream().anyMatch(p -> p.toString().endsWith(ext)), "no " + ext + " seed");
        }
        for (Path p : seeds) {
            RgbImage image = Images.decode(Files.readAllBytes(p), p.toString());
            assertTrue(image.width() > 0 && image.height() > 0, p.toString());
        }
    }

    @Test
    void everyLabelSeedLoads() throws IOException {
        for (Path p : seeds("LabelsFuzzTestInputs/load")) {
            assertTrue(Labels.load(p).size() > 0, p + " has no labels");
        }
    }

    @Test
    void everyConfigSeedLoads() throws Exception {
        for (Path p : seeds("ConfigFuzzTestInputs/load")) {
            DeviceConfig config = DeviceConfig.load(p);
            assertEquals("model.tflite", config.model().file().getFileName().toString(), p.toString());
        }
    }
}
