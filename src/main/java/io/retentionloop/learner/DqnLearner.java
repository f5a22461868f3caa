package io.retentionloop.learner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.rl4j.agent.learning.algorithm.dqn.BaseTransitionTDAlgorithm;
import org.deeplearning4j.rl4j.network.dqn.DQN;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The policy learner: a double DQN with a target network (RL4J's double DQN targets, maximised over
 * the actions allowed at s' only: {@link MaskedDoubleDQN}, computed on the whole minibatch at once
 * and fitted by RL4J's {@code SyncLabelsNeuralNetUpdater}) that learns from transitions handed to
 * it, never stepping an environment. Transitions go into a replay buffer; each one earns {@link
 * DqnSettings#updatesPerTransition()} updates, which {@link #train} spends on minibatches sampled
 * uniformly from the buffer.
 *
 * <p>The network learns on standardized numbers: each state value is centred and scaled by the
 * running mean and standard deviation of the states added so far, and rewards are divided by their
 * running root mean square (not centred, so with γ &gt; 0 the Bellman targets keep their meaning).
 * State values span very different ranges (days, log-money, one-hot flags) and rewards are tens of
 * currency units with noise far above the differences between actions; standardized, Adam's steps
 * have one scale for all of them. {@link #qValues} and {@link #exportPolicy} give Q-values in
 * reward units on raw states: the exported network has the standardization folded into its first
 * and last layers, so the agent needs nothing but the network.
 *
 * <p>Two options aim at the noise of the rewards (a user's revenue over the horizon, tens of
 * currency units, against differences between actions of a few). With {@link
 * DqnSettings#baseline()} a second network b(s) regresses the reward on the state on every
 * minibatch, all actions together, and the Q-network learns r − b(s) + γ·b(s') (potential-based
 * shaping: the best action of every state is unchanged), so the level of a user's revenue is not
 * learned five times over from each action's share of the data. With {@link
 * DqnSettings#averaging()} the published networks are exponential moving averages of the trained
 * ones (Polyak averaging), so one noisy minibatch does not swing the policy. The published network
 * answers b(s) + (Q − b)(s, a): both networks side by side in one of twice the width ({@link
 * DqnNetworks#sideBySide}). With {@link DqnSettings#ensemble()} &gt; 1 several Q-networks learn
 * side by side, each from its own initial weights, on its own minibatches and with its own target
 * and average; what is published and answered is b(s) plus their mean. With {@link
 * DqnSettings#noiseWeighting()} a third network σ²(s) regresses the squared residual (r − b(s))²,
 * and each row's squared TD error is weighted by 1 / max(σ²(s), floor) (weighted least squares:
 * users whose revenue swings whatever is sent no longer drown out those whose revenue moves only
 * when an action moves it).
 *
 * <p>{@link #checkpoint()} captures everything (every network, Adam's moments and step counts, the
 * replay buffer, the counters and the sampler's state), so a learner restored from it continues
 * exactly as the original would have. Not thread-safe; ND4J work runs on the calling thread (set
 * {@code OMP_NUM_THREADS=1} per slot).
 */
public final class DqnLearner {

    private static final int MAGIC = 0x524c4451; // "RLDQ"
    private static final int FORMAT = 8;

    /** The format before the reservoir's state (updates shed, offers while behind), still read. */
    private static final int FORMAT_WITHOUT_RESERVOIR = 7;

    /** The format before weighting by the rewards' noise, still read (as without it). */
    private static final int FORMAT_WITHOUT_NOISE_WEIGHTING = 6;

    /** The format before ensembles, still read (as one network). */
    private static final int FORMAT_WITHOUT_ENSEMBLE = 5;

    /** The format before the input penalty, still read (as without one). */
    private static final int FORMAT_WITHOUT_INPUT_L1 = 4;

    /** The format before next-state masks, still read (its transitions allow every action). */
    private static final int FORMAT_WITHOUT_MASKS = 3;

    /** Next-state masks are int bit sets. */
    static final int MAX_ACTIONS = 31;

    private static final int MAX_ARRAY = 1 << 28;

    // credit is a sum of fractions such as 0.2, which binary floating point misses by a hair
    private static final double CREDIT_TOLERANCE = 1e-9;

    private final DqnSettings settings;
    private final int stateSize;
    private final int actionCount;

    /** One Q-network per ensemble member, each with its own target, update and average. */
    private final DQN[] online;

    private final DQN[] target;
    private final MultiLayerNetwork[] onlineNet;
    private ReplayBuffer replay;
    private final Rng rng;
    private final MaskedDoubleDQN[] algorithm;
    private final ResumableTargetSync[] sync;
    private long updates;
    private long added;
    private double credit;

    /** Updates not owed because they were earned while the learner was behind. */
    private double shed;

    /**
     * Transitions offered since the learner fell behind, until it caught up (owed less than one
     * update): with the buffer's size, the reservoir's n.
     */
    private long offeredBehind;

    private double lastTdLoss = Double.NaN;
    private final RunningMoments stateMoments;
    private double rewardSquares;

    /** b(s) in scaled reward units, or null without {@link DqnSettings#baseline()}. */
    private final MultiLayerNetwork baselineNet;

    /** Polyak averages of the networks, or null without {@link DqnSettings#averaging()}. */
    private final MultiLayerNetwork[] averageNet;

    private final MultiLayerNetwork averageBaseline;

    /**
     * σ²(s), the variance of the reward around b(s), in squared network units; null without {@link
     * DqnSettings#noiseWeighting()}.
     */
    private final MultiLayerNetwork noiseNet;

    public DqnLearner(DqnSettings settings, int stateSize, int actionCount) {
        if (stateSize < 1 || actionCount < 2 || actionCount > MAX_ACTIONS) {
            throw new IllegalArgumentException(
                    "need a state and 2 to "
                            + MAX_ACTIONS
                            + " actions, got "
                            + stateSize
                            + " and "
                            + actionCount);
        }
        this.settings = settings;
        this.stateSize = stateSize;
        this.actionCount = actionCount;
        int members = settings.ensemble();
        this.online = new DQN[members];
        this.target = new DQN[members];
        this.onlineNet = new MultiLayerNetwork[members];
        this.algorithm = new MaskedDoubleDQN[members];
        this.sync = new ResumableTargetSync[members];
        for (int k = 0; k < members; k++) {
            // member 0 is initialised as a learner without an ensemble is
            online[k] =
                    DqnNetworks.build(
                            stateSize,
                            actionCount,
                            settings.hiddenLayers(),
                            settings.hiddenUnits(),
                            settings.learningRate(),
                            settings.seed() + 1000L * k,
                            settings.inputL1());
            onlineNet[k] = DqnNetworks.net(online[k]);
            target[k] = online[k].clone();
        }
        this.replay = new ReplayBuffer(settings.replayCapacity(), stateSize);
        this.stateMoments = new RunningMoments(stateSize);
        this.rng = new Rng(settings.seed() ^ 0x5DEECE66DL);
        startUpdates();
        this.baselineNet = settings.baseline() ? scalarNet(1) : null;
        boolean averaging = settings.averaging() > 0;
        this.averageNet = averaging ? new MultiLayerNetwork[members] : null;
        for (int k = 0; averaging && k < members; k++) {
            averageNet[k] = onlineNet[k].clone();
        }
        this.averageBaseline = averaging && baselineNet != null ? baselineNet.clone() : null;
        this.noiseNet = settings.noiseWeighting() > 0 ? scalarNet(2) : null;
    }

    /** A network of the Q-network's shape with one output, initialised from seed + offset. */
    private MultiLayerNetwork scalarNet(long seedOffset) {
        return DqnNetworks.net(
                DqnNetworks.build(
                        stateSize,
                        1,
                        settings.hiddenLayers(),
                        settings.hiddenUnits(),
                        settings.learningRate(),
                        settings.seed() + seedOffset));
    }

    /** The update algorithm and RL4J's updater, in the target-sync phase of {@code updates}. */
    private void startUpdates() {
        for (int k = 0; k < online.length; k++) {
            algorithm[k] =
                    new MaskedDoubleDQN(
                            online[k],
                            target[k],
                            BaseTransitionTDAlgorithm.Configuration.builder()
                                    .gamma(settings.gamma())
                                    .build());
            sync[k] =
                    new ResumableTargetSync(
                            online[k], target[k], settings.targetUpdatePeriod(), updates);
        }
    }

    /**
     * Stores a transition (replacing the oldest when full) and earns it its updates.
     *
     * @throws IllegalArgumentException if its sizes, action or reward do not fit this learner
     */
    public void add(Transition t) {
        check(t);
        store(-1, t);
        credit += settings.updatesPerTransition();
    }

    /**
     * Stores a transition as {@link #add} does while fewer than {@code maxBacklog} updates are
     * owed. At or beyond it the learner is behind: the transition earns no updates and joins the
     * replay buffer by reservoir sampling (it replaces a uniformly chosen slot with probability
     * size / n, n counting the buffer's content and every transition offered since the learner fell
     * behind), so that after a burst the buffer holds a uniform sample of what it held and what
     * arrived, not only the burst's last part.
     *
     * @return whether the transition was stored
     * @throws IllegalArgumentException if its sizes, action or reward do not fit this learner
     */
    public boolean offer(Transition t, double maxBacklog) {
        check(t);
        if (credit < 1) {
            // caught up: the next time it falls behind is a new burst
            offeredBehind = 0;
        }
        if (credit < maxBacklog) {
            // below the bound, even while a burst is being worked off: earns its updates, and
            // counts in the reservoir's n so the burst's sample stays uniform
            offeredBehind += offeredBehind > 0 ? 1 : 0;
            store(-1, t);
            credit += settings.updatesPerTransition();
            return true;
        }
        shed += settings.updatesPerTransition();
        if (replay.size() < replay.capacity()) {
            store(-1, t);
            return true;
        }
        offeredBehind++;
        long n = replay.size() + offeredBehind;
        long j = Long.remainderUnsigned(rng.nextLong(), n);
        if (j >= replay.size()) {
            return false;
        }
        store((int) j, t);
        return true;
    }

    private void check(Transition t) {
        if (t.state == null || t.state.length != stateSize) {
            throw new IllegalArgumentException(
                    "transition "
                            + t.decisionId
                            + ": state must have "
                            + stateSize
                            + " values, has "
                            + (t.state == null ? "none" : t.state.length));
        }
        if (!t.done && (t.nextState == null || t.nextState.length != stateSize)) {
            throw new IllegalArgumentException(
                    "transition " + t.decisionId + ": a non-terminal one needs a next state");
        }
        if (t.action < 0 || t.action >= actionCount) {
            throw new IllegalArgumentException(
                    "transition " + t.decisionId + ": action " + t.action + " out of range");
        }
        if (!Double.isFinite(t.reward)) {
            throw new IllegalArgumentException(
                    "transition " + t.decisionId + ": reward is " + t.reward);
        }
    }

    /** Writes a checked transition to {@code slot}, or to the ring's next slot when -1. */
    private void store(int slot, Transition t) {
        int mask = t.done ? 0 : nextMask(t);
        double[] next = t.done ? null : t.nextState;
        if (slot < 0) {
            replay.add(t.state, t.action, t.reward, next, t.done, mask);
        } else {
            replay.set(slot, t.state, t.action, t.reward, next, t.done, mask);
        }
        stateMoments.add(t.state);
        rewardSquares += t.reward * t.reward;
        added++;
    }

    /** The transition's next-state actions as a bit set; 0 (all) when it does not say. */
    private int nextMask(Transition t) {
        if (t.nextAllowed == null) {
            return 0;
        }
        if (t.nextAllowed.length != actionCount) {
            throw new IllegalArgumentException(
                    "transition "
                            + t.decisionId
                            + ": next-state mask has "
                            + t.nextAllowed.length
                            + " actions, expected "
                            + actionCount);
        }
        int mask = 0;
        for (int a = 0; a < actionCount; a++) {
            mask |= t.nextAllowed[a] ? 1 << a : 0;
        }
        if (mask == 0) {
            throw new IllegalArgumentException(
                    "transition " + t.decisionId + ": no action allowed at the next state");
        }
        return mask;
    }

    /**
     * Runs up to {@code maxUpdates} minibatch updates, as many as the added transitions have
     * earned, once the buffer holds a batch.
     *
     * @return the number of updates done
     */
    public int train(int maxUpdates) {
        int done = 0;
        while (done < maxUpdates && canTrain()) {
            step();
            credit -= 1;
            done++;
        }
        return done;
    }

    private void step() {
        double loss = 0;
        for (int k = 0; k < online.length; k++) {
            loss += step(k);
        }
        updates++;
        lastTdLoss = loss / online.length;
        if (averageNet != null) {
            // the usual warm-up: early on the average follows the weights more closely
            double decay = Math.min(settings.averaging(), (1.0 + updates) / (10.0 + updates));
            for (int k = 0; k < online.length; k++) {
                average(averageNet[k], onlineNet[k], decay);
            }
            if (averageBaseline != null) {
                average(averageBaseline, baselineNet, decay);
            }
        }
    }

    /**
     * One update of member {@code k} on its own minibatch (the baseline learns from member 0's).
     *
     * @return the minibatch's mean squared TD error before the update
     */
    private double step(int k) {
        int b = settings.batchSize();
        float[] states = new float[b * stateSize];
        float[] next = new float[b * stateSize];
        int[] slots = new int[b];
        int[] masks = new int[b];
        for (int i = 0; i < b; i++) {
            slots[i] = rng.nextInt(replay.size());
            replay.copyStates(slots[i], states, next, i);
            masks[i] = replay.nextMask(slots[i]);
        }
        stateMoments.standardize(states, b);
        stateMoments.standardize(next, b);
        double rewardScale = rewardScale();
        INDArray s = Nd4j.create(states, new long[] {b, stateSize}, 'c');
        INDArray n = Nd4j.create(next, new long[] {b, stateSize}, 'c');
        double[] rewards = new double[b];
        for (int i = 0; i < b; i++) {
            rewards[i] = replay.reward(slots[i]) / rewardScale;
        }
        double[] now = baselineNet == null ? null : baselineNet.output(s).data().asDouble();
        double[] weights = noiseNet == null ? null : weights(s, rewards, now, k == 0);
        double[] shaped = baselineNet == null ? rewards : shaped(s, n, slots, rewards, now, k == 0);
        int[] actions = new int[b];
        boolean[] terminal = new boolean[b];
        for (int i = 0; i < b; i++) {
            actions[i] = replay.action(slots[i]);
            terminal[i] = replay.done(slots[i]);
        }
        sync[k].update(algorithm[k].compute(s, n, actions, shaped, terminal, masks, weights));
        return algorithm[k].squaredError();
    }

    /**
     * Each row's weight, 1 / max(σ²(s), floor) scaled to mean 1 over the minibatch, from the noise
     * network as it is before this batch; then, with {@code fit}, one step of its regression of the
     * squared residual (r − b(s))² on s.
     */
    private double[] weights(INDArray s, double[] rewards, double[] now, boolean fit) {
        int b = rewards.length;
        double[] variance = noiseNet.output(s).data().asDouble();
        double[] weights = new double[b];
        double[] squares = new double[b];
        double sum = 0;
        for (int i = 0; i < b; i++) {
            double residual = rewards[i] - now[i];
            squares[i] = residual * residual;
            weights[i] = 1 / Math.max(variance[i], settings.noiseWeighting());
            sum += weights[i];
        }
        for (int i = 0; i < b; i++) {
            weights[i] *= b / sum;
        }
        if (fit) {
            noiseNet.fit(s, Nd4j.create(squares, new long[] {b, 1}).castTo(s.dataType()));
        }
        return weights;
    }

    /**
     * The rewards with the baseline taken out, r − b(s) + γ·b(s') (potential-based shaping, which
     * leaves the best action of every state unchanged: Q learns Q − b), then, with {@code fit}, one
     * step of the baseline's own regression of r on s. The baseline is read before it sees this
     * batch.
     */
    private double[] shaped(
            INDArray s, INDArray n, int[] slots, double[] rewards, double[] now, boolean fit) {
        int b = rewards.length;
        double[] then = settings.gamma() > 0 ? baselineNet.output(n).data().asDouble() : null;
        double[] shaped = new double[b];
        for (int i = 0; i < b; i++) {
            shaped[i] = rewards[i] - now[i];
            if (then != null && !replay.done(slots[i])) {
                shaped[i] += settings.gamma() * then[i];
            }
        }
        if (fit) {
            baselineNet.fit(s, Nd4j.create(rewards, new long[] {b, 1}).castTo(s.dataType()));
        }
        return shaped;
    }

    private static void average(MultiLayerNetwork avg, MultiLayerNetwork net, double decay) {
        avg.params().muli(decay).addi(net.params().mul(1 - decay));
    }

    /** Q-values of every action for each state, in one network call per member. */
    public double[][] qValues(double[][] states) {
        if (states.length == 0) {
            return new double[0][];
        }
        return qValues(states, 0, online.length);
    }

    /** Q-values of ensemble member {@code k} alone (for tests and diagnostics). */
    double[][] memberQValues(int k, double[][] states) {
        return qValues(states, k, k + 1);
    }

    /** b(s) plus the mean of members {@code [from, to)}'s Q − b, in reward units on raw states. */
    private double[][] qValues(double[][] states, int from, int to) {
        float[] flat = DqnNetworks.flat(states, stateSize);
        stateMoments.standardize(flat, states.length);
        INDArray x = Nd4j.create(flat, new long[] {states.length, stateSize}, 'c');
        INDArray q = policyNet(from).output(x);
        for (int k = from + 1; k < to; k++) {
            q.addi(policyNet(k).output(x));
        }
        q.divi(to - from);
        if (baselineNet != null) {
            q.addiColumnVector(policyBaseline().output(x));
        }
        return DqnNetworks.rows(q.muli(rewardScale()));
    }

    /**
     * The predicted variance of the reward around b(s) of each state, in squared reward units, or
     * null without noise weighting.
     */
    double[] noiseVariance(double[][] states) {
        if (noiseNet == null) {
            return null;
        }
        float[] x = DqnNetworks.flat(states, stateSize);
        stateMoments.standardize(x, states.length);
        double[] v =
                noiseNet.output(Nd4j.create(x, new long[] {states.length, stateSize}, 'c'))
                        .data()
                        .asDouble();
        double scale = rewardScale();
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale * scale;
        }
        return v;
    }

    /** Member k's Q-network that is published: its average, or the online network itself. */
    private MultiLayerNetwork policyNet(int k) {
        return averageNet != null ? averageNet[k] : onlineNet[k];
    }

    private MultiLayerNetwork policyBaseline() {
        return averageBaseline != null ? averageBaseline : baselineNet;
    }

    /** Reward units per network output unit: the rewards' root mean square (1 before any). */
    double rewardScale() {
        if (added == 0 || rewardSquares <= 0) {
            return 1;
        }
        return Math.sqrt(rewardSquares / added);
    }

    /** What the agent needs to act with the current online network. */
    public PolicySnapshot exportPolicy(long version) {
        PolicySnapshot p = new PolicySnapshot();
        p.version = version;
        p.stateSize = stateSize;
        p.actionCount = actionCount;
        p.hiddenLayers = settings.hiddenLayers();
        p.updates = updates;
        MultiLayerNetwork net = policyNet(0);
        if (baselineNet != null || online.length > 1) {
            // Q = b + mean of the members' (Q − b): the networks side by side in one as wide as all
            List<MultiLayerNetwork> members = new ArrayList<>();
            for (int k = 0; k < online.length; k++) {
                members.add(policyNet(k));
            }
            net = DqnNetworks.sideBySide(members, policyBaseline(), actionCount);
        }
        p.hiddenUnits = (int) net.getLayer(0).getParam("W").size(1);
        p.params =
                PolicySnapshot.floatsToBytes(
                        DqnNetworks.folded(
                                net, stateMoments.means(), stateMoments.scales(), rewardScale()));
        return p;
    }

    /** The whole learner as bytes, for operator state in a checkpoint or savepoint. */
    public byte[] checkpoint() {
        // sized up front: a full replay buffer is hundreds of MB, and growing by doubling would
        // hold up to twice that while the checkpoint is written
        long estimate = checkpointSizeEstimate();
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(
                        (int) Math.min(MAX_ARRAY, estimate + estimate / 64 + 4096));
        checkpoint(bytes);
        return bytes.toByteArray();
    }

    /** Writes the whole learner to {@code sink} (buffered here; not closed). */
    public void checkpoint(OutputStream sink) {
        try {
            DataOutputStream out =
                    new DataOutputStream(new java.io.BufferedOutputStream(sink, 1 << 16));
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeDouble(settings.gamma());
            out.writeDouble(settings.learningRate());
            out.writeInt(settings.hiddenLayers());
            out.writeInt(settings.hiddenUnits());
            out.writeInt(settings.batchSize());
            out.writeInt(settings.replayCapacity());
            out.writeInt(settings.targetUpdatePeriod());
            out.writeDouble(settings.updatesPerTransition());
            out.writeLong(settings.seed());
            out.writeBoolean(settings.baseline());
            out.writeDouble(settings.averaging());
            out.writeDouble(settings.inputL1());
            out.writeInt(settings.ensemble());
            out.writeDouble(settings.noiseWeighting());
            out.writeInt(stateSize);
            out.writeInt(actionCount);
            out.writeLong(updates);
            out.writeLong(added);
            out.writeDouble(credit);
            out.writeDouble(lastTdLoss);
            out.writeLong(rng.state());
            stateMoments.write(out);
            out.writeDouble(rewardSquares);
            for (int k = 0; k < online.length; k++) {
                writeNet(out, onlineNet[k]);
                Bytes.writeFloatArray(out, DqnNetworks.params(target[k]));
            }
            if (baselineNet != null) {
                writeNet(out, baselineNet);
            }
            if (noiseNet != null) {
                writeNet(out, noiseNet);
            }
            for (int k = 0; averageNet != null && k < online.length; k++) {
                Bytes.writeFloatArray(out, DqnNetworks.params(averageNet[k]));
            }
            if (averageBaseline != null) {
                Bytes.writeFloatArray(out, DqnNetworks.params(averageBaseline));
            }
            replay.write(out);
            out.writeDouble(shed);
            out.writeLong(offeredBehind);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A learner that continues exactly where the checkpointed one was.
     *
     * @throws IllegalArgumentException if the bytes are not a learner checkpoint of this format
     */
    public static DqnLearner restore(byte[] checkpoint) {
        return restore(new ByteArrayInputStream(checkpoint));
    }

    /**
     * A learner that continues exactly where the checkpointed one was, read from {@code source}
     * (buffered here; closed).
     *
     * @throws IllegalArgumentException if the bytes are not a learner checkpoint of this format
     */
    public static DqnLearner restore(InputStream source) {
        try (DataInputStream in =
                new DataInputStream(new java.io.BufferedInputStream(source, 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a DQN learner checkpoint");
            }
            int format = in.readInt();
            if (format < FORMAT_WITHOUT_MASKS || format > FORMAT) {
                throw new IllegalArgumentException(
                        "learner checkpoint format "
                                + format
                                + ", this release reads "
                                + FORMAT_WITHOUT_MASKS
                                + " to "
                                + FORMAT);
            }
            DqnSettings settings =
                    new DqnSettings(
                            in.readDouble(),
                            in.readDouble(),
                            in.readInt(),
                            in.readInt(),
                            in.readInt(),
                            in.readInt(),
                            in.readInt(),
                            in.readDouble(),
                            in.readLong(),
                            in.readBoolean(),
                            in.readDouble(),
                            format > FORMAT_WITHOUT_INPUT_L1 ? in.readDouble() : 0,
                            format > FORMAT_WITHOUT_ENSEMBLE ? in.readInt() : 1,
                            format > FORMAT_WITHOUT_NOISE_WEIGHTING ? in.readDouble() : 0);
            DqnLearner l = new DqnLearner(settings, in.readInt(), in.readInt());
            l.updates = in.readLong();
            l.added = in.readLong();
            l.credit = in.readDouble();
            l.lastTdLoss = in.readDouble();
            l.rng.state(in.readLong());
            l.stateMoments.read(in);
            l.rewardSquares = in.readDouble();
            for (int k = 0; k < l.online.length; k++) {
                readNet(in, l.onlineNet[k]);
                DqnNetworks.setParams(l.target[k], Bytes.readFloatArray(in, MAX_ARRAY));
            }
            if (l.baselineNet != null) {
                readNet(in, l.baselineNet);
            }
            if (l.noiseNet != null) {
                readNet(in, l.noiseNet);
            }
            for (int k = 0; l.averageNet != null && k < l.online.length; k++) {
                DqnNetworks.setParams(l.averageNet[k], Bytes.readFloatArray(in, MAX_ARRAY));
            }
            if (l.averageBaseline != null) {
                DqnNetworks.setParams(l.averageBaseline, Bytes.readFloatArray(in, MAX_ARRAY));
            }
            l.replay = ReplayBuffer.read(in, l.stateSize, format > FORMAT_WITHOUT_MASKS);
            if (l.replay.capacity() != settings.replayCapacity()) {
                throw new IllegalArgumentException("replay capacity does not match the settings");
            }
            if (format > FORMAT_WITHOUT_RESERVOIR) {
                l.shed = in.readDouble();
                l.offeredBehind = in.readLong();
            }
            l.startUpdates();
            return l;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt learner checkpoint: " + e.getMessage(), e);
        }
    }

    private static float[] updaterState(MultiLayerNetwork net) {
        INDArray view = net.getUpdater().getStateViewArray();
        return view == null ? new float[0] : view.dup().data().asFloat();
    }

    private static void setUpdaterState(MultiLayerNetwork net, float[] updater) {
        INDArray view = net.getUpdater().getStateViewArray();
        if (view == null ? updater.length != 0 : view.length() != updater.length) {
            throw new IllegalArgumentException("updater state does not fit the network");
        }
        if (view != null) {
            view.assign(Nd4j.create(updater, view.shape(), view.ordering()));
        }
    }

    /** A network's weights, Adam's state and step counts, in that order after the counts. */
    private static void writeNet(DataOutputStream out, MultiLayerNetwork net) throws IOException {
        out.writeInt(net.getLayerWiseConfigurations().getIterationCount());
        out.writeInt(net.getLayerWiseConfigurations().getEpochCount());
        Bytes.writeFloatArray(out, DqnNetworks.params(net));
        Bytes.writeFloatArray(out, updaterState(net));
    }

    private static void readNet(DataInputStream in, MultiLayerNetwork net) throws IOException {
        net.getLayerWiseConfigurations().setIterationCount(in.readInt());
        net.getLayerWiseConfigurations().setEpochCount(in.readInt());
        DqnNetworks.setParams(net, Bytes.readFloatArray(in, MAX_ARRAY));
        setUpdaterState(net, Bytes.readFloatArray(in, MAX_ARRAY));
    }

    public DqnSettings settings() {
        return settings;
    }

    public int stateSize() {
        return stateSize;
    }

    public int actionCount() {
        return actionCount;
    }

    /** Minibatch updates done so far. */
    ReplayBuffer replayBuffer() {
        return replay;
    }

    /** Whether {@link #train} would run an update now: one is owed and the buffer holds a batch. */
    public boolean canTrain() {
        return credit >= 1 - CREDIT_TOLERANCE && replay.size() >= settings.batchSize();
    }

    /** Updates earned and not yet done. */
    public double backlog() {
        return credit;
    }

    /** Updates shed since this learner was created: earned while it was behind. */
    public double shed() {
        return shed;
    }

    public long updates() {
        return updates;
    }

    /** Transitions ever added. */
    public long added() {
        return added;
    }

    /** Transitions in the replay buffer. */
    public int replaySize() {
        return replay.size();
    }

    /** Mean squared TD error of the last minibatch (before its update), NaN before any. */
    public double lastTdLoss() {
        return lastTdLoss;
    }

    /**
     * Approximate size of {@link #checkpoint()} in bytes (the headers' few hundred bytes rounded
     * up).
     */
    public long checkpointSizeEstimate() {
        // the online network with Adam's two moments, the target, the average
        long floats =
                (3L + 1 + (averageNet == null ? 0 : 1)) * online.length * onlineNet[0].numParams();
        if (baselineNet != null) {
            floats += (3L + (averageBaseline == null ? 0 : 1)) * baselineNet.numParams();
        }
        if (noiseNet != null) {
            floats += 3L * noiseNet.numParams();
        }
        return 256 + 16L * stateSize + 4 * floats + replay.serializedSize();
    }
}
