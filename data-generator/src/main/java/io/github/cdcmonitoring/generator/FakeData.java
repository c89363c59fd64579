package io.github.cdcmonitoring.generator;

import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/** Plausible values for the generated rows, so that CDC events and dashboards look like a real shop's traffic. */
final class FakeData {

    private static final List<String> FIRST_NAMES = List.of("Ada", "Alan", "Grace", "Linus", "Margaret", "Ken",
            "Barbara", "Dennis", "Frances", "Edsger", "Radia", "Donald", "Hedy", "Niklaus", "Katherine", "Tim");
    private static final List<String> LAST_NAMES = List.of("Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton",
            "Thompson", "Liskov", "Ritchie", "Allen", "Dijkstra", "Perlman", "Knuth", "Lamarr", "Wirth", "Johnson");
    private static final List<String> DOMAINS = List.of("example.com", "example.org", "example.net");
    private static final List<String> PRODUCTS = List.of("Mechanical keyboard", "27-inch monitor", "USB-C dock",
            "Noise-cancelling headphones", "Webcam", "Laptop stand", "Desk lamp", "Ergonomic mouse", "SSD 1 TB",
            "Office chair");
    private static final int MAX_QUANTITY = 10;

    private FakeData() {
    }

    static String name(RandomGenerator random) {
        return pick(FIRST_NAMES, random) + " " + pick(LAST_NAMES, random);
    }

    /** An address derived from the name with a random number, as sign-up forms tend to end up with. */
    static String email(String name, RandomGenerator random) {
        return name.toLowerCase(Locale.ROOT).replace(' ', '.') + "." + emailTag(random) + "@" + domain(random);
    }

    static String emailTag(RandomGenerator random) {
        return Integer.toString(random.nextInt(1_000_000));
    }

    static String domain(RandomGenerator random) {
        return pick(DOMAINS, random);
    }

    static String product(RandomGenerator random) {
        return pick(PRODUCTS, random);
    }

    static int quantity(RandomGenerator random) {
        return 1 + random.nextInt(MAX_QUANTITY);
    }

    private static String pick(List<String> values, RandomGenerator random) {
        return values.get(random.nextInt(values.size()));
    }
}
