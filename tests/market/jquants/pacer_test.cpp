// The client's timing decisions, driven with plain time points: the even schedule, the lasting
// slow-down after 429s, the cooldown after three in a row, backoff with full jitter and
// Retry-After parsing.
#include "market/jquants/pacer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "core/error.h"
#include "market/jquants/client.h"
#include "market/jquants/retry_policy.h"

namespace gogooku3::market::jquants {
namespace {

using namespace std::chrono_literals;
using Clock = Pacer::Clock;

const Clock::time_point t0 = Clock::time_point(1000s);

TEST(JQuantsPacerTest, StartsRequestsEvenlyAtThePlanRate) {
  Pacer pacer({.requests_per_minute = 60});
  EXPECT_LE(pacer.next_start(0), t0);  // the first request goes at once
  pacer.started(t0);
  EXPECT_EQ(pacer.next_start(0), t0 + 1s);
  // A late start shifts the schedule; the pause is not made up for with a burst.
  pacer.started(t0 + 5s);
  EXPECT_EQ(pacer.next_start(0), t0 + 6s);
  EXPECT_EQ(Pacer({.requests_per_minute = 500}).interval(0), 120ms);
  EXPECT_EQ(Pacer({.requests_per_minute = 5}).interval(0), 12s);
}

TEST(JQuantsPacerTest, SmallDelaysKeepTheirSlotsSoTheRateDoesNotDrift) {
  Pacer pacer({.requests_per_minute = 60});
  pacer.started(t0);
  // Each request starts 300 ms after its slot (the loop was parsing): the slots stay on the
  // whole seconds instead of drifting by 300 ms per request.
  for (int i = 1; i <= 10; ++i) {
    const Clock::time_point slot = t0 + std::chrono::seconds(i);
    EXPECT_EQ(pacer.next_start(0), slot) << i;
    pacer.started(slot + 300ms);
  }
  // But never closer than half an interval to the previous start.
  pacer.started(t0 + 11s + 400ms);  // absorbed into the 11 s slot
  EXPECT_EQ(pacer.next_start(0), t0 + 12s);
  pacer.started(t0 + 12s + 450ms);
  EXPECT_EQ(pacer.next_start(0), t0 + 13s);
}

TEST(JQuantsPacerTest, NoMinuteEverHoldsMoreStartsThanTheRate) {
  // Every start lands just under half an interval after its slot, the worst case for a
  // 60-second window; the window rule holds the count to the rate.
  Pacer pacer({.requests_per_minute = 60});
  std::vector<Clock::time_point> starts;
  Clock::time_point now = t0;
  for (int i = 0; i < 300; ++i) {
    now = std::max(now, pacer.next_start(0));
    const Clock::time_point start = (i % 7 == 0) ? now + 499ms : now;
    pacer.started(start);
    starts.push_back(start);
    now = start;
  }
  for (size_t i = 0; i < starts.size(); ++i) {
    size_t in_window = 0;
    // 61 s: the pacer keeps one interval of margin for the requests' network jitter.
    for (size_t j = i; j < starts.size() && starts[j] < starts[i] + 61s; ++j) ++in_window;
    EXPECT_LE(in_window, 60u) << "window starting at request " << i;
  }
  // And the schedule still runs at (nearly) the rate: 300 requests in about 300 s.
  EXPECT_LT(starts.back() - starts.front(), 306s);
}

TEST(JQuantsPacerTest, AnEndpointCapStricterThanThePlanWins) {
  Pacer premium({.requests_per_minute = 500});
  EXPECT_EQ(premium.interval(60), 1s);  // fins: 60/min on every plan
  Pacer free({.requests_per_minute = 5});
  EXPECT_EQ(free.interval(60), 12s);  // the plan is stricter
  EXPECT_THROW(Pacer({.requests_per_minute = 0}), Error);
}

TEST(JQuantsPacerTest, EachRateLimitSlowsTheScheduleForGoodUpToFourTimes) {
  Pacer pacer({.requests_per_minute = 60, .rate_limits_before_cooldown = 100});
  Clock::time_point now = t0;
  const std::vector<double> expected = {1.5, 2.25, 3.375, 4, 4};
  for (double slowdown : expected) {
    pacer.started(now);
    now += 100ms;
    pacer.rate_limited(now, now - 100ms, 2s);
    EXPECT_DOUBLE_EQ(pacer.slowdown(), slowdown);
    pacer.succeeded(now + 1s);
    now += 10s;
  }
  EXPECT_EQ(pacer.interval(0), 4s);
  EXPECT_EQ(pacer.rate_limits_in_a_row(), 0);
}

TEST(JQuantsPacerTest, RetryAfterHoldsEveryRequest) {
  Pacer pacer({.requests_per_minute = 60});
  pacer.started(t0);
  const Clock::time_point resume = pacer.rate_limited(t0 + 200ms, t0, 3s);
  EXPECT_EQ(resume, t0 + 3200ms);
  EXPECT_EQ(pacer.next_start(0), t0 + 3200ms);  // later than t0 + 1.5 s
}

TEST(JQuantsPacerTest, ThreeRateLimitsInARowWaitTheCooldown) {
  Pacer pacer({.requests_per_minute = 60, .cooldown = 300s});
  Clock::time_point now = t0;
  for (int i = 0; i < 2; ++i) {
    pacer.started(now);
    const Clock::time_point resume = pacer.rate_limited(now + 10ms, now, 1s);
    EXPECT_EQ(resume, now + 1010ms);
    now = resume + 5s;
  }
  pacer.started(now);
  EXPECT_EQ(pacer.rate_limited(now + 10ms, now, 1s), now + 10ms + 300s);
  EXPECT_EQ(pacer.rate_limits_in_a_row(), 3);
  // A success breaks the run.
  now += 400s;
  pacer.started(now);
  pacer.succeeded(now);
  EXPECT_EQ(pacer.rate_limits_in_a_row(), 0);
  pacer.started(now + 5s);
  EXPECT_EQ(pacer.rate_limited(now + 6s, now + 5s, 1s), now + 7s);
}

TEST(JQuantsPacerTest, RateLimitsOfRequestsAlreadyInFlightAreOneEpisode) {
  Pacer pacer({.requests_per_minute = 60, .cooldown = 300s});
  // Four requests in flight; all four come back 429 after the first 429 arrived.
  pacer.rate_limited(t0 + 4s, t0, 1s);
  pacer.rate_limited(t0 + 4100ms, t0 + 1s, 2s);
  pacer.rate_limited(t0 + 4200ms, t0 + 2s, 1s);
  const Clock::time_point resume = pacer.rate_limited(t0 + 4300ms, t0 + 3s, 1s);
  EXPECT_DOUBLE_EQ(pacer.slowdown(), 1.5);
  EXPECT_EQ(pacer.rate_limits_in_a_row(), 1);
  EXPECT_EQ(resume, t0 + 6100ms);  // the longest hold wins
  // Their old successes do not break a run either.
  pacer.succeeded(t0 + 3500ms);
  EXPECT_EQ(pacer.rate_limits_in_a_row(), 1);
}

TEST(JQuantsRetryPolicyTest, ClassifiesStatusesAsTheApiDocumentsThem) {
  EXPECT_EQ(classify(200), AnswerKind::kPage);
  EXPECT_EQ(classify(210), AnswerKind::kPage);
  EXPECT_EQ(classify(429), AnswerKind::kRateLimited);
  for (long status : {500L, 502L, 503L, 504L, 408L}) {
    EXPECT_EQ(classify(status), AnswerKind::kRetry) << status;
  }
  for (long status : {400L, 401L, 403L, 404L, 413L, 301L, 204L}) {
    EXPECT_EQ(classify(status), AnswerKind::kFail) << status;
  }
}

TEST(JQuantsRetryPolicyTest, BackoffIsExponentialWithFullJitter) {
  RetryPolicy policy(500ms, 30s, 42);
  EXPECT_EQ(policy.ceiling(0), 500ms);
  EXPECT_EQ(policy.ceiling(1), 1s);
  EXPECT_EQ(policy.ceiling(5), 16s);
  EXPECT_EQ(policy.ceiling(6), 30s);
  EXPECT_EQ(policy.ceiling(1000), 30s);
  for (int retry = 0; retry < 8; ++retry) {
    std::set<int64_t> seen;
    for (int i = 0; i < 200; ++i) {
      const std::chrono::milliseconds wait = policy.backoff(retry);
      EXPECT_GE(wait, 0ms);
      EXPECT_LE(wait, policy.ceiling(retry));
      seen.insert(wait.count());
    }
    EXPECT_GT(seen.size(), 50u) << "jitter spreads retries, retry " << retry;
    // Full jitter: the lower half of the window is used too.
    EXPECT_LT(*seen.begin(), policy.ceiling(retry).count() / 4);
  }
  // The same seed gives the same waits.
  RetryPolicy a(500ms, 30s, 7);
  RetryPolicy b(500ms, 30s, 7);
  for (int retry = 0; retry < 5; ++retry) EXPECT_EQ(a.backoff(retry), b.backoff(retry));
}

TEST(JQuantsRetryPolicyTest, ReadsBothFormsOfRetryAfter) {
  // 2015-10-21 07:28:00 UTC.
  const auto now = std::chrono::system_clock::time_point(1445412480s);
  EXPECT_EQ(parse_retry_after("1", now), 1000ms);
  EXPECT_EQ(parse_retry_after(" 120\r\n", now), 120s);
  EXPECT_EQ(parse_retry_after("0", now), 0ms);
  EXPECT_EQ(parse_retry_after("99999999999999", now), 86400s);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), 30s);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), 0ms);
  EXPECT_EQ(parse_retry_after("Thu, 22 Oct 2015 07:28:00 GMT", now), 86400s);
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("1.5", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("Wed, 32 Oct 2015 07:28:30 GMT", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("Wed, 21 Foo 2015 07:28:30 GMT", now), std::nullopt);
}

TEST(JQuantsClientOptionsTest, PlansHaveTheirDocumentedRates) {
  EXPECT_EQ(plan_requests_per_minute("free"), 5);
  EXPECT_EQ(plan_requests_per_minute("light"), 60);
  EXPECT_EQ(plan_requests_per_minute("Standard"), 120);
  EXPECT_EQ(plan_requests_per_minute("premium"), 500);
  try {
    plan_requests_per_minute("gold");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("free, light, standard or premium"),
              std::string::npos);
  }
}

TEST(JQuantsClientOptionsTest, OptionsComeFromTheConfigAndTheKeyFromTheEnvironment) {
  const std::map<std::string, std::string> environment = {{"JQUANTS_API_KEY", "k-123456789"}};
  const Config defaults = Config::parse("", "test", "/h", {});
  const ClientOptions options = client_options_from_config(defaults, environment);
  EXPECT_EQ(options.base_url, "https://api.jquants.com/v2");
  EXPECT_EQ(options.plan, "light");
  EXPECT_EQ(options.requests_per_minute, 60);
  EXPECT_EQ(options.max_in_flight, 4);
  EXPECT_EQ(options.max_attempts, 6);
  EXPECT_EQ(options.request_timeout, 60s);
  EXPECT_EQ(options.api_key, "k-123456789");

  const Config custom =
      Config::parse("jquants:\n  plan: premium\n  max_in_flight: 8\n  timeout_seconds: 5\n", "test",
                    "/h", {{"GOGOOKU3_JQUANTS_BASE_URL", "http://127.0.0.1:9/v2"}});
  const ClientOptions premium = client_options_from_config(custom, environment);
  EXPECT_EQ(premium.requests_per_minute, 500);
  EXPECT_EQ(premium.max_in_flight, 8);
  EXPECT_EQ(premium.request_timeout, 5s);
  EXPECT_EQ(premium.base_url, "http://127.0.0.1:9/v2");

  const Config slower = Config::parse("jquants:\n  requests_per_minute: 30\n", "test", "/h", {});
  EXPECT_EQ(client_options_from_config(slower, environment).requests_per_minute, 30);

  for (const char* yaml : {"jquants:\n  plan: gold\n", "jquants:\n  max_in_flight: 0\n",
                           "jquants:\n  requests_per_minute: -1\n"}) {
    const Config bad = Config::parse(yaml, "test", "/h", {});
    EXPECT_THROW(client_options_from_config(bad, environment), Error) << yaml;
  }
}

TEST(JQuantsClientOptionsTest, AMissingKeyIsUnauthorizedNamingTheVariable) {
  const Config defaults = Config::parse("", "test", "/h", {});
  for (const auto& environment : {std::map<std::string, std::string>{},
                                  std::map<std::string, std::string>{{"JQUANTS_API_KEY", ""}}}) {
    try {
      client_options_from_config(defaults, environment);
      FAIL();
    } catch (const Error& error) {
      EXPECT_EQ(error.category(), ErrorCategory::kUnauthorized);
      EXPECT_NE(std::string(error.what()).find("JQUANTS_API_KEY"), std::string::npos);
    }
  }
}

TEST(JQuantsClientOptionsTest, QueriesAreUrlEncoded) {
  EXPECT_EQ(Query{}.to_string(), "");
  EXPECT_EQ((Query{{{"date", "2024-01-04"}, {"code", "86970"}}}.to_string()),
            "date=2024-01-04&code=86970");
  EXPECT_EQ((Query{{{"section", "TSE Prime&x=1"}, {"k", "a/b+c=~._-"}}}.to_string()),
            "section=TSE%20Prime%26x%3D1&k=a%2Fb%2Bc%3D~._-");
}

}  // namespace
}  // namespace gogooku3::market::jquants
