"""Progress toward the new-pathways target: where the count will stand when the window closes.

The service counts new pathways per month inside a target window (for example 50,000 in
2027-01-01..2028-12-31). This module answers the officers' questions from those monthly
counts alone: how many so far, how many the target pro-rated to today asks for, where the
count will probably be at the end of the window (with an interval), and whether that is on
track. Pure functions over plain values: numpy, scipy and scikit-learn, no files, no
environment.

The model, in plain words (``Forecast.method`` repeats it for each answer):

* A month's expected count is ``level x seasonal factor x trend x exposure``. The seasonal
  factor is 12 x the month's share of a year (:func:`seasonal_profile` of a long series such
  as the State Department's H-2 visa issuances, or flat when none is given). Exposure is the
  fraction of the month's days observed, so the current partial month and a window that
  starts mid-month count for what they are.
* A penalised Poisson regression (iteratively reweighted scikit-learn ridge regressions) fits
  the observed months on a log-linear trend shrunk towards "the pace stays as it is" (prior sd
  ``TREND_SD`` a year), plus month-of-year deviations from the seasonal prior once
  ``SEASON_MIN_MONTHS`` months are observed (prior sd ``SEASON_SD``). Months are weighted as
  negative-binomial counts whose extra-Poisson spread is estimated from the residuals of a
  loosely penalised fit (so a ramp-up is not mistaken for noise) and shrunk towards
  ``NOISE_PRIOR`` (worth ``NOISE_PRIOR_MONTHS`` months), so two months of data cannot claim
  to know the noise. Beyond the last observed month the trend is damped (``DAMPING`` a
  month): a ramp-up is not extrapolated for two years.
* The central forecast is that fitted projection. The interval comes from ``DRAWS``
  simulated futures (fixed seed) drawing the level (gamma posterior with a half-count prior,
  so a month of zeros still leaves room above), the trend (normal posterior), a random walk
  of the pace (``DRIFT`` a month: programs, employers and consulates change) and each month's
  negative-binomial noise. It is never narrower than Poisson counting noise and always
  contains the central forecast.

The priors were set on real data: 102 windows of 24 months of the six monthly series of
``data/seasonality`` (H-2A and H-2B issuances to GT, SV, HN, 2019-06..2025-05, which span the
2020 consular closures and the H-2B expansion), forecasting the rest of each window from its
first 1, 3, 6, 12 and 18 months. The 80 % intervals covered the actual remainder in 74, 77,
75, 82 and 75 % of windows; the median absolute error of the central forecast was 47, 31,
28, 20 and 21 %. Series steadier than those get intervals on the wide side (Guatemala H-2A:
all 37 rolling 12-month back-tests covered).

Examples
--------
>>> from datetime import date
>>> history = {f"2027-{m:02d}": 2100 for m in range(1, 7)}
>>> f = forecast_progress(history, window_start=date(2027, 1, 1),
...                       window_end=date(2028, 12, 31), target=50_000, as_of=date(2027, 6, 30))
>>> f.counted, f.expected_to_date, f.end_of_window, f.on_track
(12600, 12380, 50400, True)
>>> f.low < 50_000 < f.high
True
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from sklearn import config_context
from sklearn.linear_model import ridge_regression

__all__ = [
    "Backtest",
    "Forecast",
    "MonthProjection",
    "backtest",
    "forecast_progress",
    "seasonal_profile",
]

#: A month: ``"YYYY-MM"`` or any ``date`` inside it.
MonthKey = str | date

#: How much looser the priors are in the fit that measures the noise.
LOOSE = 10.0
#: Prior sd of the log-linear trend per year (0.5: the pace may change by half either way).
TREND_SD = 0.5
#: Month-by-month damping of the trend beyond the last observed month (at most ~9 months of it).
DAMPING = 0.9
#: Random-walk sd of the log pace per month ahead: policy, employers and consulates change it.
DRIFT = 0.15
#: Prior negative-binomial overdispersion: a month's count varies by about 55 % (sqrt 0.3)
#: beyond Poisson noise.
NOISE_PRIOR = 0.3
#: How many months of evidence the noise prior is worth.
NOISE_PRIOR_MONTHS = 6.0
#: Prior sd of month-of-year deviations from the seasonal prior (log scale).
SEASON_SD = 0.3
#: Months observed before month-of-year effects are fitted from the series itself.
SEASON_MIN_MONTHS = 24
#: Simulated futures behind each interval (fixed seed: the same input gives the same answer).
DRAWS = 4000


@dataclass(frozen=True)
class Backtest:
    """Rolling-origin back-test: train on the first k months, forecast the next ``horizon``.

    ``mape`` and ``bias`` compare the central forecast of the ``horizon``-month total with
    the actual total (origins whose actual total is 0 are left out of both; ``None`` when
    all are); ``bias`` > 0 means over-forecasting. ``coverage`` is the share of origins whose
    interval at ``level`` contained the actual total.
    """

    origins: int
    horizon: int
    min_train: int
    level: float
    mape: float | None
    bias: float | None
    coverage: float


@dataclass(frozen=True)
class MonthProjection:
    """One month of the burn-up chart.

    ``observed`` is the count recorded so far for the month (``None`` for months entirely
    after ``as_of``); ``expected``, ``low`` and ``high`` are the month's total (observed part
    plus projected remainder) with its interval; ``cumulative`` (with ``cumulative_low`` and
    ``cumulative_high``) is the running total from the start of the window.
    """

    month: str
    observed: int | None
    expected: float
    low: int
    high: int
    cumulative: int
    cumulative_low: int
    cumulative_high: int


@dataclass(frozen=True)
class Forecast:
    """Progress toward the target and its projection to the end of the window.

    ``expected_to_date`` is the target pro-rated linearly by days of the window elapsed up to
    and including ``as_of``. ``end_of_window`` is the central forecast of the cumulative count
    on ``window_end``, ``low``/``high`` its interval at ``level`` (``high`` is ``None`` when no
    day of the window has been observed: nothing bounds it yet). ``on_track`` is
    ``end_of_window >= target``; ``gap`` is ``target - end_of_window`` (negative when ahead);
    ``chance_of_target`` is the share of simulated futures that reach the target (``None``
    without observations). ``backtest`` is a 3-month-ahead rolling-origin back-test on the
    complete months observed (the 12 most recent origins), ``None`` until there are six.
    """

    target: int
    window_start: date
    window_end: date
    as_of: date
    level: float
    counted: int
    expected_to_date: int
    end_of_window: int
    low: int
    high: int | None
    on_track: bool
    gap: int
    chance_of_target: float | None
    monthly: tuple[MonthProjection, ...]
    method: str
    backtest: Backtest | None


# ---------------------------------------------------------------------------------------------
# Months


def _month_index(key: MonthKey) -> int:
    """Months since year 0: ``"2027-03"`` and ``date(2027, 3, 9)`` both give 2027 * 12 + 2."""
    if isinstance(key, date):
        return key.year * 12 + key.month - 1
    try:
        year, month = (int(part) for part in key.split("-"))
    except (AttributeError, ValueError):
        raise ValueError(f"month {key!r} is not 'YYYY-MM' or a date") from None
    if not 1 <= month <= 12 or len(key) != 7:
        raise ValueError(f"month {key!r} is not 'YYYY-MM' or a date")
    return year * 12 + month - 1


def _month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _days_in(index: int) -> int:
    return calendar.monthrange(index // 12, index % 12 + 1)[1]


def _overlap_days(index: int, first: date, last: date) -> int:
    """Days of month ``index`` inside ``first..last`` (inclusive)."""
    start = date(index // 12, index % 12 + 1, 1)
    end = date(index // 12, index % 12 + 1, _days_in(index))
    return max(0, (min(end, last) - max(start, first)).days + 1)


def _counts(monthly_counts: Mapping[MonthKey, int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for key, value in monthly_counts.items():
        index = _month_index(key)
        if index in out:
            raise ValueError(f"month {_month_label(index)} given twice")
        count = int(value)
        if count != value or count < 0:
            raise ValueError(f"count for {_month_label(index)} is not a whole number >= 0")
        out[index] = count
    return out


def _seasonal_factors(seasonal_prior: Sequence[float] | None) -> np.ndarray:
    """12 multipliers with mean 1 (January first) from 12 shares, flat when ``None``."""
    if seasonal_prior is None:
        return np.ones(12)
    shares = np.asarray(seasonal_prior, dtype=float)
    if shares.shape != (12,) or not np.all(np.isfinite(shares)) or np.any(shares <= 0):
        raise ValueError("seasonal_prior must be 12 positive shares, January first")
    return 12 * shares / shares.sum()


# ---------------------------------------------------------------------------------------------
# Fit and simulation


@dataclass(frozen=True)
class _Fit:
    shape: float  # gamma posterior of the level (counts per month at factor 1 and trend 1)
    rate: float
    slope: float  # log trend per year, and its posterior variance
    slope_var: float
    centre: float  # month index where the level is defined, uncorrelated there with the slope
    month_effect: np.ndarray  # 12 log deviations from the seasonal prior
    kappa: float
    seasonal_effects: bool


def _glm(
    x: np.ndarray,
    y: np.ndarray,
    base: np.ndarray,
    kappa: float = 0.0,
    params: int | None = None,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Penalised log-linear count regression: ``y ~ base * exp(intercept + x @ coef)``.

    Fitted by iteratively reweighted least squares, each step a scikit-learn ridge regression
    on the working response with a free (weighted-mean) intercept. With ``alpha=1`` the
    penalty is 1/2 coef**2 in log-likelihood units, so a column scaled by s carries a normal
    prior of sd s on its coefficient. Months are weighted as negative-binomial counts with
    overdispersion ``kappa`` (0: Poisson); given ``params``, the number of fitted parameters,
    ``kappa`` is re-estimated from the residuals at each step. Returns the coefficients, the
    fitted means and the overdispersion.

    (``PoissonRegressor`` fits the Poisson model too, but its loss runs on OpenMP threads that
    cost ~25 ms a call for 40 rows on a busy machine: 20 times this whole loop.)

    scikit-learn's parameter and finiteness checks are skipped: the arrays are built here,
    finite and of the right shapes, and the checks cost more than the solve (the progress API
    fits up to 27 of these per request).
    """
    with config_context(skip_parameter_validation=True, assume_finite=True):
        return _irls(x, y, base, kappa, params)


def _irls(
    x: np.ndarray, y: np.ndarray, base: np.ndarray, kappa: float, params: int | None
) -> tuple[np.ndarray, np.ndarray, float]:
    log_base = np.log(base)
    mu = y + 0.5
    eta = np.log(mu)
    coef = np.zeros(x.shape[1])
    for _ in range(100):
        weight = mu / (1.0 + kappa * mu)
        z = eta + (y - mu) / mu - log_base
        x_mean, z_mean = weight @ x / weight.sum(), weight @ z / weight.sum()
        coef = ridge_regression(
            x - x_mean, z - z_mean, 1.0, sample_weight=weight, solver="cholesky",
            check_input=False,
        )  # fmt: skip
        eta = np.clip(log_base + z_mean + (x - x_mean) @ coef, -50.0, 50.0)
        # Converged when no fitted mean moves by a millionth of itself or of one count (a
        # month of zeros drifts towards 0 slowly, and how close it gets does not matter).
        step = float(np.max(np.abs(np.exp(eta) - mu) / (1.0 + mu)))
        mu = np.exp(eta)
        if params is not None:
            kappa = _overdispersion(y, mu, params)
        if step < 1e-6:
            break
    return coef, mu, kappa


def _overdispersion(y: np.ndarray, mu: np.ndarray, params: int) -> float:
    """Negative-binomial kappa (Var = mu + kappa mu^2): moment estimate shrunk to the prior."""
    dof = max(len(y) - params, 0)
    raw = float(((y - mu) ** 2 - mu).sum() / max(float((mu**2).sum()), 1e-12))
    raw = max(raw, 0.0) * (len(y) / dof if dof else 0.0)
    return (NOISE_PRIOR_MONTHS * NOISE_PRIOR + dof * raw) / (NOISE_PRIOR_MONTHS + dof)


def _fit(months: np.ndarray, y: np.ndarray, exposure: np.ndarray, factors: np.ndarray) -> _Fit:
    """Fit the observed months (``exposure`` > 0); ``months`` are month indices."""
    years = (months - months[0]) / 12.0  # from the first observed month, so exp() stays small
    base = exposure * factors[months % 12]
    n = len(y)
    seasonal = n >= SEASON_MIN_MONTHS and y.sum() > 0
    slope, effect, kappa = 0.0, np.zeros(12), NOISE_PRIOR
    weight = np.ones(n)
    if y.sum() > 0:
        x = (years - years.mean())[:, None] * TREND_SD
        if seasonal:
            x = np.hstack([x, np.eye(12)[months % 12] * SEASON_SD])
        # The noise is measured around a loosely fitted curve: measured around the shrunk one,
        # a ramp-up would pass for noise, and noise that large would hide the ramp-up.
        params = 2 + (11 if seasonal else 0)
        _, _, kappa = _glm(x * LOOSE, y, base, NOISE_PRIOR, params)
        coef, mu, _ = _glm(x, y, base, kappa)
        weight = 1.0 / (1.0 + kappa * mu)
        slope = float(coef[0]) * TREND_SD
        if seasonal:
            effect = coef[1:] * SEASON_SD
            effect = effect - effect.mean()
    info = base * np.exp(slope * (years - years.mean()) + effect[months % 12]) * weight
    centre = float((info * years).sum() / info.sum())
    g = np.exp(slope * (years - centre) + effect[months % 12])
    shape = float((y * weight).sum()) + 0.5  # Jeffreys: zero counts still give a finite level
    rate = float((base * g * weight).sum())
    level = shape / rate
    fisher = float((level * base * g * weight * (years - centre) ** 2).sum())
    slope_var = 1.0 / (fisher + 1.0 / TREND_SD**2)
    centre_month = float(months[0] + 12 * centre)
    return _Fit(shape, rate, slope, slope_var, centre_month, effect, kappa, seasonal)


def _project(
    fit: _Fit, months: np.ndarray, exposure: np.ndarray, factors: np.ndarray, last: int, draws: int
) -> tuple[np.ndarray, np.ndarray]:
    """Plug-in expected counts (J,) and simulated counts (draws, J) for future months."""
    ahead = np.maximum(months - last, 0)
    damped = last + DAMPING * (1 - DAMPING**ahead) / (1 - DAMPING)  # months, damped trend
    offset = (damped - fit.centre) / 12.0  # years
    base = exposure * factors[months % 12] * np.exp(fit.month_effect[months % 12])
    # The central level is the fitted one (the gamma's half-count prior only keeps a zero count
    # from claiming certainty), but at least half a pathway over the observed time.
    expected = (max(fit.shape - 0.5, 0.5) / fit.rate) * base * np.exp(fit.slope * offset)
    rng = np.random.default_rng(20270101)
    level = rng.gamma(fit.shape, 1.0 / fit.rate, size=(draws, 1))
    slope = rng.normal(fit.slope, np.sqrt(fit.slope_var), size=(draws, 1))
    # The pace itself wanders: a random walk of the log level, DRIFT per month ahead.
    steps = rng.normal(0.0, DRIFT, size=(draws, int(ahead.max(initial=0)) + 1))
    steps[:, 0] = 0.0
    wander = np.cumsum(steps, axis=1)[:, ahead]
    mean = level * base * np.exp(slope * offset + wander)
    if fit.kappa > 0:
        mean = mean * rng.gamma(1.0 / fit.kappa, fit.kappa, size=mean.shape)
    return expected, rng.poisson(np.minimum(mean, 1e12)).astype(float)


def _bounds(sims: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    tail = (1.0 - level) / 2.0
    low = np.quantile(sims, tail, axis=0, method="inverted_cdf")
    high = np.quantile(sims, 1.0 - tail, axis=0, method="inverted_cdf")
    return low, high


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError("level must be between 0 and 1, e.g. 0.8 for an 80 % interval")


# ---------------------------------------------------------------------------------------------
# Public API


def seasonal_profile(monthly_counts: Mapping[MonthKey, int]) -> tuple[float, ...]:
    """Each calendar month's share of a year, January first, from a long monthly series.

    A Poisson regression (scikit-learn) of the counts on year and month-of-year indicators,
    so growth from one year to the next and months missing from the series do not bias the
    shares. Every calendar month must appear at least once.

    Parameters
    ----------
    monthly_counts : mapping of month (``"YYYY-MM"`` or a ``date``) to a count
        For example the State Department's monthly H-2A issuances to Guatemalans.

    Returns
    -------
    tuple of 12 floats
        Positive shares summing to 1, to pass as ``seasonal_prior``.

    Examples
    --------
    >>> counts = {f"{y}-{m:02d}": (300 if m in (3, 4, 5) else 100) * (y - 2020)
    ...           for y in (2021, 2022) for m in range(1, 13)}
    >>> shares = seasonal_profile(counts)
    >>> [round(s, 3) for s in shares[:6]], round(sum(shares), 6)
    ([0.056, 0.056, 0.167, 0.167, 0.167, 0.056], 1.0)
    """
    counts = _counts(monthly_counts)
    if not counts or sum(counts.values()) == 0:
        raise ValueError("seasonal_profile needs a series with some counts")
    months = np.array(sorted(counts))
    missing = sorted(set(range(12)) - set(months % 12))
    if missing:
        names = ", ".join(calendar.month_name[m + 1] for m in missing)
        raise ValueError(f"seasonal_profile needs every calendar month at least once: {names}")
    y = np.array([counts[m] for m in months], dtype=float)
    years = months // 12
    year_columns = (years[:, None] == np.unique(years)[None, :]).astype(float)
    x = np.hstack([year_columns, np.eye(12)[months % 12]]) * 100.0  # near-unpenalised
    coef, _, _ = _glm(x, y, np.ones(len(y)))
    effect = coef[-12:] * 100.0
    shares = np.exp(effect - effect.max())
    return tuple(float(s) for s in shares / shares.sum())


def backtest(
    monthly_counts: Mapping[MonthKey, int],
    *,
    horizon: int = 12,
    min_train: int = 12,
    level: float = 0.8,
    seasonal_prior: Sequence[float] | None = None,
    step: int = 1,
) -> Backtest | None:
    """Rolling-origin evaluation of the forecast on a series of consecutive months.

    For each origin k = ``min_train``, ``min_train + step``, ... train on the first k
    months, forecast the total of the next ``horizon`` months, and compare with what
    happened.

    Parameters
    ----------
    monthly_counts : mapping of month to count, with no month missing between first and last
    horizon : int
        Months ahead whose total is forecast.
    min_train : int
        Months in the first training set (at least 1).
    level : float
        Interval level whose coverage is measured.
    seasonal_prior : 12 shares or None
        As in :func:`forecast_progress`.
    step : int
        Months between origins.

    Returns
    -------
    Backtest or None
        ``None`` when the series is shorter than ``min_train + horizon``.

    Examples
    --------
    >>> counts = {f"{2020 + i // 12}-{i % 12 + 1:02d}": 500 for i in range(24)}
    >>> b = backtest(counts, horizon=6, min_train=6)
    >>> b.origins, b.mape < 0.01, b.coverage
    (13, True, 1.0)
    """
    _check_level(level)
    if horizon < 1 or min_train < 1 or step < 1:
        raise ValueError("horizon, min_train and step must be at least 1")
    counts = _counts(monthly_counts)
    if not counts:
        return None
    first, last = min(counts), max(counts)
    gaps = [_month_label(m) for m in range(first, last + 1) if m not in counts]
    if gaps:
        raise ValueError(f"backtest needs consecutive months; missing: {', '.join(gaps)}")
    y = np.array([counts[m] for m in range(first, last + 1)], dtype=np.float64)
    months = np.arange(first, last + 1)
    return _rolling_origin(
        months,
        y,
        np.ones(len(y)),
        _seasonal_factors(seasonal_prior),
        horizon,
        min_train,
        level,
        step,
    )


def _rolling_origin(
    months: np.ndarray,
    y: np.ndarray,
    exposure: np.ndarray,
    factors: np.ndarray,
    horizon: int,
    min_train: int,
    level: float,
    step: int = 1,
    max_origins: int | None = None,
) -> Backtest | None:
    origins = range(min_train, len(y) - horizon + 1, step)
    if max_origins is not None:
        origins = origins[-max_origins:]  # the most recent ones
    if not origins:
        return None
    errors, hits = [], 0
    for k in origins:
        fit = _fit(months[:k], y[:k], exposure[:k], factors)
        ahead = slice(k, k + horizon)
        expected, sims = _project(fit, months[ahead], exposure[ahead], factors, months[k - 1], 1000)
        central, actual = expected.sum(), y[ahead].sum()
        low, high = _bounds(sims.sum(axis=1, keepdims=True), level)
        hits += bool(min(low[0], central) <= actual <= max(high[0], central))
        if actual > 0:
            errors.append((central - actual) / actual)
    err = np.array(errors)
    return Backtest(
        origins=len(origins),
        horizon=horizon,
        min_train=min_train,
        level=level,
        mape=float(np.abs(err).mean()) if len(err) else None,
        bias=float(err.mean()) if len(err) else None,
        coverage=hits / len(origins),
    )


def forecast_progress(
    history: Mapping[MonthKey, int],
    *,
    window_start: date,
    window_end: date,
    target: int,
    as_of: date,
    seasonal_prior: Sequence[float] | None = None,
    level: float = 0.8,
) -> Forecast:
    """Count so far, target pro-rated to date, and the projection to the end of the window.

    Parameters
    ----------
    history : mapping of month (``"YYYY-MM"`` or a ``date``) to new pathways counted in it
        Months of the window up to the month of ``as_of``; a month without an entry counted
        none. The month of ``as_of`` holds what was counted up to and including ``as_of``.
    window_start, window_end : date
        First and last day of the target window (inclusive).
    target : int
        New pathways to reach by ``window_end``.
    as_of : date
        Last day the counts cover.
    seasonal_prior : 12 shares (January first) or None
        Expected share of a year's pathways in each calendar month, e.g.
        :func:`seasonal_profile` of the H-2 visa issuance series; flat when ``None``.
    level : float
        Probability covered by the intervals (0.8: one chance in ten above, one below).

    Returns
    -------
    Forecast
        With no day of the window observed yet (``as_of`` before ``window_start``) nothing
        is projected: ``end_of_window`` and ``low`` are the count (0), ``high`` is ``None``.
        Once the window has closed, the forecast is the count.

    Examples
    --------
    >>> from datetime import date
    >>> spring = seasonal_profile({f"2024-{m:02d}": 2 if m in (3, 4, 5) else 1
    ...                            for m in range(1, 13)})
    >>> f = forecast_progress({"2027-01": 800, "2027-02": 800, "2027-03": 500},
    ...                       window_start=date(2027, 1, 1), window_end=date(2028, 12, 31),
    ...                       target=50_000, as_of=date(2027, 3, 10), seasonal_prior=spring)
    >>> f.counted, f.expected_to_date, f.on_track, f.low <= f.end_of_window <= f.high
    (2100, 4720, False, True)
    >>> [(m.month, m.observed, round(m.expected, -1)) for m in f.monthly[2:8:2]]
    [('2027-03', 500, 1570.0), ('2027-05', None, 1580.0), ('2027-07', None, 790.0)]
    >>> forecast_progress({}, window_start=date(2027, 1, 1), window_end=date(2028, 12, 31),
    ...                   target=50_000, as_of=date(2026, 12, 1)).high is None
    True
    """
    _check_level(level)
    if window_end < window_start:
        raise ValueError("window_end is before window_start")
    if target < 0:
        raise ValueError("target must be >= 0")
    factors = _seasonal_factors(seasonal_prior)
    counts = _counts(history)
    seen_until = min(as_of, window_end)
    window = range(_month_index(window_start), _month_index(window_end) + 1)
    for m in counts:
        if m not in window or (counts[m] and _overlap_days(m, window_start, seen_until) == 0):
            raise ValueError(f"month {_month_label(m)} is outside the window observed so far")
    months = np.array(window)
    days = np.array([_days_in(m) for m in window], dtype=np.float64)
    in_window = np.array([_overlap_days(m, window_start, window_end) for m in window], np.float64)
    observed_days = np.array(
        [_overlap_days(m, window_start, seen_until) for m in window], np.float64
    )
    y = np.array([counts.get(m, 0) for m in window], dtype=np.float64)
    counted = int(y.sum())
    expected_to_date = round(target * float(observed_days.sum()) / float(in_window.sum()))

    def answer(
        end: int,
        low: int,
        high: int | None,
        chance: float | None,
        monthly: tuple[MonthProjection, ...],
        method: str,
        check: Backtest | None,
    ) -> Forecast:
        return Forecast(
            target=target, window_start=window_start, window_end=window_end, as_of=as_of,
            level=level, counted=counted, expected_to_date=expected_to_date,
            end_of_window=end, low=low, high=high, on_track=end >= target, gap=target - end,
            chance_of_target=chance, monthly=monthly, method=method, backtest=check,
        )  # fmt: skip

    seen = observed_days > 0
    if not seen.any():
        method = (
            "Nothing projected: no day of the window has been observed yet, so there is no "
            "pace to project. The forecast is the count so far; the upper bound is unknown."
        )
        return answer(counted, counted, None, None, (), method, None)
    if as_of >= window_end:
        monthly = tuple(
            MonthProjection(
                _month_label(m), int(c), float(c), int(c), int(c), int(s), int(s), int(s)
            )
            for m, c, s in zip(window, y, np.cumsum(y), strict=True)
        )
        method = "The window has closed: the forecast is the final count."
        return answer(counted, counted, counted, float(counted >= target), monthly, method, None)

    exposure = observed_days / days
    fit = _fit(months[seen], y[seen], exposure[seen], factors)
    ahead = (in_window - observed_days) / days
    future = ahead > 0
    expected_part, sims_part = _project(
        fit, months[future], ahead[future], factors, int(months[seen][-1]), DRAWS
    )
    expected = y.copy()
    expected[future] += expected_part
    sims = np.tile(y, (DRAWS, 1))
    sims[:, future] += sims_part
    month_low, month_high = _bounds(sims, level)
    cumulative = np.round(np.cumsum(expected)).astype(int)
    cum_low, cum_high = _bounds(np.cumsum(sims, axis=1), level)
    # The central forecast is the plug-in projection; in the rare very skewed case a simulated
    # quantile falls on the wrong side of it, the interval is widened to contain it.
    cum_low, cum_high = np.minimum(cum_low, cumulative), np.maximum(cum_high, cumulative)
    monthly = tuple(
        MonthProjection(
            month=_month_label(m),
            observed=int(y[i]) if seen[i] else None,
            expected=float(expected[i]),
            low=int(min(month_low[i], np.floor(expected[i]))),
            high=int(max(month_high[i], np.ceil(expected[i]))),
            cumulative=int(cumulative[i]),
            cumulative_low=int(cum_low[i]),
            cumulative_high=int(cum_high[i]),
        )
        for i, m in enumerate(window)
    )
    closed = seen & (observed_days == in_window)
    check = _recent_backtest(
        tuple(months[closed].tolist()),
        tuple(y[closed].tolist()),
        tuple(exposure[closed].tolist()),
        tuple(factors.tolist()),
        level,
    )
    end = int(cumulative[-1])
    chance = float((sims.sum(axis=1) >= target).mean())
    method = _describe(fit, float(exposure[seen].sum()), seasonal_prior is not None, level)
    return answer(end, int(cum_low[-1]), int(cum_high[-1]), chance, monthly, method, check)


@lru_cache(maxsize=64)
def _recent_backtest(
    months: tuple[int, ...],
    counts: tuple[float, ...],
    exposure: tuple[float, ...],
    factors: tuple[float, ...],
    level: float,
) -> Backtest | None:
    """The 3-month-ahead back-test of the 12 most recent origins on complete months.

    Memoised on its inputs (a pure function, so the answer is the one it would compute): it
    is most of a forecast's cost and changes only when a month closes or a past count moves,
    while the progress views ask for the forecast on every request.
    """
    return _rolling_origin(
        np.array(months, dtype=np.int64), np.array(counts), np.array(exposure),
        np.array(factors), 3, 3, level, max_origins=12,
    )  # fmt: skip


def _describe(fit: _Fit, months_seen: float, prior: bool, level: float) -> str:
    season = (
        "month-of-year effects fitted around the seasonal prior"
        if fit.seasonal_effects and prior
        else "month-of-year effects fitted from the series"
        if fit.seasonal_effects
        else "the seasonal prior as monthly factors"
        if prior
        else f"no seasonality (flat until {SEASON_MIN_MONTHS} months are observed)"
    )
    trend = 100 * (np.exp(fit.slope) - 1)
    return (
        f"Projection from {months_seen:.1f} observed months: Poisson regression (scikit-learn) "
        f"of monthly counts on a log-linear trend ({trend:+.0f} % a year, shrunk towards a "
        f"steady pace and damped beyond the last month) with {season}; months weighted as "
        f"negative-binomial counts (month-to-month spread {100 * np.sqrt(fit.kappa):.0f} % beyond "
        f"Poisson). Central forecast: the fitted projection. Interval ({100 * level:.0f} %): "
        f"{DRAWS} simulated futures drawing level, trend, a wandering pace and monthly noise, "
        f"never narrower than Poisson counting noise."
    )
