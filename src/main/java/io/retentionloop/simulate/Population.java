package io.retentionloop.simulate;

import io.retentionloop.simulate.WorldConfig.Segment;
import java.util.SplittableRandom;

/** The users of a world, drawn from their segments' distributions, and their ids. */
final class Population {

    private static final long BEHAVIOUR_STREAM = 1;
    private static final long NOISE_STREAM = 2;

    private final User[] users;
    private final String[] ids;
    private final int idWidth;

    Population(WorldConfig config, int size, long seed) {
        if (size <= 0) {
            throw new IllegalArgumentException("users must be > 0, was " + size);
        }
        this.users = new User[size];
        this.ids = new String[size];
        this.idWidth = Integer.toString(size).length();
        for (int i = 0; i < size; i++) {
            users[i] = draw(config, i, seed);
            ids[i] = "u" + "0".repeat(idWidth - Integer.toString(i + 1).length()) + (i + 1);
        }
    }

    private static User draw(WorldConfig config, int index, long seed) {
        SplittableRandom rng =
                new SplittableRandom(Distributions.seed(seed, index, BEHAVIOUR_STREAM));
        SplittableRandom noise =
                new SplittableRandom(Distributions.seed(seed, index, NOISE_STREAM));
        int segment = config.segmentAt(rng.nextDouble());
        Segment s = config.segments().get(segment);
        double rate = Distributions.gamma(rng, s.purchaseRate().shape(), s.purchaseRate().rate());
        double dropout = Distributions.beta(rng, s.dropout().a(), s.dropout().b());
        double spendRate = Distributions.gamma(rng, s.spend().q(), s.spend().gamma());
        double arrival =
                rng.nextDouble() < s.arrivals()
                        ? 0
                        : rng.nextDouble() * config.arrivalDays() * UserBehaviour.DAY_MILLIS;
        return new User(index, segment, rate, dropout, spendRate, arrival, rng, noise);
    }

    int size() {
        return users.length;
    }

    User get(int index) {
        return users[index];
    }

    String id(int index) {
        return ids[index];
    }

    String[] ids() {
        return ids;
    }

    /** The user with this id, e.g. {@code u000042}. */
    User byId(String id) {
        if (id == null || id.length() != idWidth + 1 || id.charAt(0) != 'u') {
            throw unknown(id);
        }
        int number = 0;
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                throw unknown(id);
            }
            number = number * 10 + (c - '0');
        }
        if (number < 1 || number > users.length) {
            throw unknown(id);
        }
        return users[number - 1];
    }

    private IllegalArgumentException unknown(String id) {
        return new IllegalArgumentException(
                "unknown user '%s' (users are %s..%s)"
                        .formatted(id, ids[0], ids[users.length - 1]));
    }
}
