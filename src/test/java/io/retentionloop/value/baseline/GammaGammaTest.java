package io.retentionloop.value.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.retentionloop.value.data.CdnowSample;
import io.retentionloop.value.data.CustomerSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

class GammaGammaTest {

    @Test
    void fitReproducesThePublishedCdnowParameters() {
        List<CustomerSummary> customers = CdnowSample.summaries();
        List<CustomerSummary> buyers = GammaGamma.repeatBuyers(customers);

        GammaGamma fitted = GammaGamma.fit(customers);

        assertThat(buyers).hasSize(946);
        assertThat(buyers.stream().mapToDouble(CustomerSummary::meanRepeatSpend).average())
                .hasValueCloseTo(35.08, within(0.005));
        // published p 6.25, q 3.74, γ 15.44: equal when rounded to the printed digits
        assertThat(fitted.p()).isCloseTo(6.25, within(0.005));
        assertThat(fitted.q()).isCloseTo(3.74, within(0.005));
        assertThat(fitted.gamma()).isCloseTo(15.44, within(0.005));
        assertThat(fitted.logLikelihood(customers))
                .isGreaterThan(new GammaGamma(6.25, 3.74, 15.44).logLikelihood(customers));
    }

    @Test
    void expectedSpendShrinksTheObservedMeanTowardsThePopulationMean() {
        GammaGamma g = new GammaGamma(6, 3, 10);
        // population mean p γ / (q - 1) = 6 * 10 / 2 = 30
        assertThat(g.expectedSpend(0, 0)).isEqualTo(30);
        // x = 2, mean 50: 6 (10 + 2 * 50) / (6 * 2 + 3 - 1) = 660 / 14 = 47.142857...
        assertThat(g.expectedSpend(2, 50)).isCloseTo(660.0 / 14, within(1e-12));
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        GammaGamma g = new GammaGamma(6.25, 3.74, 15.44);
        String json = new ObjectMapper().writeValueAsString(g.toJson());

        assertThat(json)
                .isEqualTo("{\"model\":\"gamma-gamma\",\"p\":6.25,\"q\":3.74,\"gamma\":15.44}");
        assertThat(GammaGamma.fromJson(new ObjectMapper().readTree(json))).isEqualTo(g);
    }
}
