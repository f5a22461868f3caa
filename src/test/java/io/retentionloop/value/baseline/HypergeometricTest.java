package io.retentionloop.value.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HypergeometricTest {

    @Test
    void matchesClosedForms() {
        // 2F1(1, 1; 2; z) = -ln(1 - z) / z
        assertThat(Hypergeometric.f21(1, 1, 2, 0.9)).isCloseTo(-Math.log(0.1) / 0.9, within(1e-12));
        // 2F1(a, b; b; z) = (1 - z)^-a
        assertThat(Hypergeometric.f21(2.5, 3, 3, 0.5))
                .isCloseTo(Math.pow(0.5, -2.5), within(1e-12));
        // a = -1 ends the series: 2F1(-1, b; c; z) = 1 - b z / c
        assertThat(Hypergeometric.f21(-1, 4, 2, 0.25)).isCloseTo(0.5, within(1e-15));
        assertThat(Hypergeometric.f21(3, 4, 5, 0)).isEqualTo(1);
    }

    @Test
    void rejectsArgumentsOutsideTheSeries() {
        assertThatThrownBy(() -> Hypergeometric.f21(1, 1, 2, 1)).hasMessageContaining("z=1.0");
        assertThatThrownBy(() -> Hypergeometric.f21(1, 1, -0.5, 0.5))
                .hasMessageContaining("c=-0.5");
    }
}
