package io.descent.optim;

/**
 * A line search for a step satisfying the strong Wolfe conditions, by bracketing and zoom
 * (Nocedal &amp; Wright, Numerical Optimization, 2nd ed., Algorithms 3.5 and 3.6), with safeguarded
 * cubic interpolation (their eq. 3.59).
 *
 * <p>With {@code phi(a) = f(x + a d)} and {@code phi'(0) < 0}, a step a is accepted when
 *
 * <ul>
 *   <li>sufficient decrease: {@code phi(a) - phi(0) <= c1 a phi'(0)}, tested as a difference so
 *       that it demands a strict decrease of the computed value, and
 *   <li>strong curvature: {@code |phi'(a)| <= c2 |phi'(0)|}.
 * </ul>
 *
 * <p>Near a minimizer the decrease a step can make falls to the rounding noise of the computed
 * value, and sufficient decrease can no longer be decided from values. There the search also
 * accepts a step that meets the strong curvature condition, raises the value by no more than
 * rounding (a relative {@value #ROUNDING}: a float64 sum in another order can end a few ulps
 * up), and lowers it by at most a relative {@value #APPROXIMATE_TOLERANCE}: the approximate Wolfe
 * conditions of Hager and Zhang (SIAM J. Optim. 16(1), 2005), which for a smooth function imply
 * sufficient decrease up to rounding, here with an allowance for an increase of rounding's size
 * only (theirs is 1e-6 relative). This is what lets
 * L-BFGS polish an exact objective to full float64 accuracy in the gradient. It is not used on a
 * function that declares noise (below).
 *
 * <p>Two trial values within a relative {@value #ROUNDING} of each other are treated as equal
 * when the bracket is updated: in place of N&amp;W's "the new trial is no lower", the sign of the
 * slope decides which end the trial replaces, so the zoom still converges when the minimizer is
 * sharper than the values can resolve.
 *
 * <p>Non-finite values count as steps that went too far. When the evaluation budget runs out, the
 * lowest trial point that met sufficient decrease is returned if there is one; otherwise the
 * search fails and the caller keeps its point.
 *
 * <p>A function computed in float32 declares its {@link DifferentiableFunction#relativeNoise()
 * noise}. When {@value #NOISE_PATIENCE} trial values have landed within that noise of phi(0)
 * and none lies below it by more, the search cannot tell any step from rounding and ends as
 * {@link Acceptance#BELOW_NOISE}: near the float32 optimum this costs a handful of evaluations
 * instead of the whole budget, and tells the caller to change precision rather than to try
 * harder. Trials whose value is clearly higher (a step that went too far) do not count.
 *
 * <p>A float32 gradient is often far more accurate than the noise of the float32 value (on a 1M
 * x 64 logistic file, 5.6e-9 from the float64 gradient where the gradient's norm was 3.0e-6 and
 * the value's declared noise 2.4e-7 relative). A caller may therefore let a step that the noise
 * hides be judged by its slope (Hager and Zhang's approximate Wolfe conditions: {@code c2
 * phi'(0) <= phi'(a) <= (2 c1 - 1) phi'(0)}, which on the quadratic through phi(0) and the two
 * slopes mean sufficient decrease, with strong curvature), its value within the noise of phi(0)
 * ({@link Acceptance#NOISY_APPROXIMATE_WOLFE}): where the search would otherwise end below the
 * noise, or at once ({@link NoisySlopes}). Every objective Descent minimizes is convex, so a
 * slope still negative, or positive by less than that bound, means the step went downhill.
 */
final class StrongWolfeLineSearch {
  /** The relative value change below which the approximate Wolfe test applies. */
  static final double APPROXIMATE_TOLERANCE = 1e-10;
  /** Relative value differences treated as rounding when comparing two trial steps. */
  static final double ROUNDING = 1e-14;
  /** Trials indistinguishable from phi(0) after which a search on a noisy function gives up. */
  static final int NOISE_PATIENCE = 6;

  /** How the search ended. */
  enum Acceptance {
    /** Both strong Wolfe conditions hold at the returned step. */
    STRONG_WOLFE,
    /** Curvature holds and the value did not rise, within rounding of phi(0). */
    APPROXIMATE_WOLFE,
    /** Only sufficient decrease holds (the budget ran out before curvature was met). */
    SUFFICIENT_DECREASE,
    /** No acceptable step: the returned point is the starting point. */
    FAILED,
    /**
     * No step could be told apart from the starting point within the function's declared noise:
     * the returned point is the starting point.
     */
    BELOW_NOISE,
    /**
     * On a function that declares noise, where the caller allows it ({@link NoisySlopes}): a
     * step whose value is within the noise of phi(0) and whose slope meets strong curvature and
     * Hager and Zhang's approximate sufficient decrease, {@code phi'(a) <= (2 c1 - 1) phi'(0)}.
     */
    NOISY_APPROXIMATE_WOLFE
  }

  /**
   * When a search on a function that declares noise may accept a step that the noise hides by
   * its slope ({@link Acceptance#NOISY_APPROXIMATE_WOLFE}).
   */
  enum NoisySlopes {
    /** Never: the search ends {@link Acceptance#BELOW_NOISE} when the noise hides every step. */
    NEVER,
    /**
     * Where the search would end below the noise: then the trial the slopes accept (the one
     * with the smallest slope), if any, instead of the starting point. Until then the search
     * runs as with {@link #NEVER}.
     */
    WHEN_LOST,
    /** As soon as a trial that the value cannot judge meets the conditions on its slope. */
    AT_ONCE
  }

  /**
   * The result of one search.
   *
   * @param point the accepted point, or the starting point when the search failed
   * @param step the accepted step length a, 0 on failure
   * @param evaluations evaluations of f spent
   * @param acceptance which test the step passed
   */
  record Outcome(Point point, double step, int evaluations, Acceptance acceptance) {
    boolean failed() {
      return acceptance == Acceptance.FAILED || acceptance == Acceptance.BELOW_NOISE;
    }
  }

  private static final double EXTRAPOLATION = 4.0;
  /**
   * How many times the value's rounding the first-order decrease of the step a search jumps to
   * when its trial was too short to show one: {@value}. {@link OwlQn}'s search starts there too.
   */
  static final double VISIBLE = 1e4;
  private static final double SAFEGUARD = 0.1;
  /**
   * How many times what lo's slope foretold the value at hi must rise before the zoom's margin
   * on lo's side shrinks (by as much again): {@value}. Below it the cubic keeps its usual
   * safeguard, which the float32 fits' trajectories were tuned with.
   */
  private static final double FAR_RISE = 1e3;

  private final double c1;
  private final double c2;
  private final int maxEvaluations;

  StrongWolfeLineSearch(double c1, double c2, int maxEvaluations) {
    if (!(c1 > 0 && c1 < c2 && c2 < 1)) {
      throw new IllegalArgumentException("need 0 < c1 < c2 < 1, got c1=" + c1 + ", c2=" + c2);
    }
    if (maxEvaluations < 1) {
      throw new IllegalArgumentException("maxEvaluations must be >= 1, got " + maxEvaluations);
    }
    this.c1 = c1;
    this.c2 = c2;
    this.maxEvaluations = maxEvaluations;
  }

  double c1() {
    return c1;
  }

  double c2() {
    return c2;
  }

  /** A trial step with its point and directional derivative. */
  private record Trial(double a, Point point, double phi, double dphi) {}

  /**
   * Searches along d from start, first trying step a0.
   *
   * @param d a descent direction: {@code start.gradient() . d < 0}
   */
  Outcome search(DifferentiableFunction f, Point start, double[] d, double a0) {
    return search(f, start, d, a0, NoisySlopes.NEVER);
  }

  /**
   * As {@link #search(DifferentiableFunction, Point, double[], double)}, where {@code slopes}
   * says when a step the noise hides may be accepted by its slope.
   */
  Outcome search(DifferentiableFunction f, Point start, double[] d, double a0,
      NoisySlopes slopes) {
    double dphi0 = Vectors.dot(start.gradient(), d);
    if (!(dphi0 < 0)) {
      throw new IllegalArgumentException("not a descent direction: phi'(0) = " + dphi0);
    }
    if (!(a0 > 0) || !Double.isFinite(a0)) {
      throw new IllegalArgumentException("initial step must be finite and > 0, got " + a0);
    }
    Search s = new Search(f, start, d, dphi0, slopes);
    return s.run(a0);
  }

  /** The state of one search. */
  private final class Search {
    private final DifferentiableFunction f;
    private final Point start;
    private final double[] d;
    private final double phi0;
    private final double dphi0;
    /** The absolute value difference below which two values are indistinguishable. */
    private final double noise;
    private int evaluations;
    /** Trials whose value was within the noise of phi(0). */
    private int indistinct;
    /** The lowest finite trial value. */
    private double lowest = Double.POSITIVE_INFINITY;
    /** The lowest trial that met sufficient decrease, for the fallback. */
    private Trial best;

    /** When a step the noise hides may be accepted by its slope. */
    private final NoisySlopes slopes;
    /** The trial with the smallest slope of those the slopes accept, for WHEN_LOST. */
    private Trial bySlope;

    Search(DifferentiableFunction f, Point start, double[] d, double dphi0, NoisySlopes slopes) {
      this.f = f;
      this.start = start;
      this.d = d;
      this.slopes = slopes;
      this.phi0 = start.value();
      this.dphi0 = dphi0;
      this.noise = f.relativeNoise() * Math.abs(phi0);
    }

    /** Whether the function's noise hides every trial so far (never for a float64 function). */
    private boolean lostInNoise() {
      return noise > 0 && indistinct >= NOISE_PATIENCE && !(phi0 - lowest > noise);
    }

    Outcome run(double a0) {
      Trial prev = new Trial(0, start, phi0, dphi0);
      double a = a0;
      boolean first = true;
      while (evaluations < maxEvaluations) {
        Trial t = evaluate(a);
        if (lostInNoise()) {
          return lost();
        }
        if (tooShortToShow(t)) {
          // The decrease the slope promises is below the value's rounding: no trial this short
          // can show one, so the search goes straight to the shortest that can.
          prev = t;
          first = false;
          a = Math.max(a * EXTRAPOLATION, VISIBLE * ROUNDING * Math.abs(phi0) / -dphi0);
          continue;
        }
        if (!sufficientDecrease(t) || (!first && higher(t.phi, prev.phi))) {
          Outcome o = acceptable(t);
          return o != null ? o : zoom(prev, t);
        }
        if (Math.abs(t.dphi) <= -c2 * dphi0) {
          return outcome(t, Acceptance.STRONG_WOLFE);
        }
        if (t.dphi >= 0) {
          return zoom(t, prev);
        }
        prev = t;
        first = false;
        a *= EXTRAPOLATION;
        if (!Double.isFinite(a)) {
          break;
        }
      }
      return fallback();
    }

    /**
     * Algorithm 3.6: lo satisfies sufficient decrease with the lowest value so far, and
     * {@code phi'(lo) (hi - lo) < 0}, so a strong Wolfe step lies between them.
     */
    private Outcome zoom(Trial lo, Trial hi) {
      while (evaluations < maxEvaluations) {
        double width = Math.abs(hi.a - lo.a);
        if (width <= 4 * Math.ulp(Math.max(lo.a, hi.a))) {
          break;
        }
        double a = interpolate(lo, hi);
        Trial t = evaluate(a);
        if (lostInNoise()) {
          return lost();
        }
        if (!sufficientDecrease(t) || higher(t.phi, lo.phi)) {
          Outcome o = acceptable(t);
          if (o != null) {
            return o;
          }
          hi = t;
        } else {
          if (Math.abs(t.dphi) <= -c2 * dphi0) {
            return outcome(t, Acceptance.STRONG_WOLFE);
          }
          if (t.dphi * (hi.a - lo.a) >= 0) {
            hi = lo;
          }
          lo = t;
        }
      }
      return fallback();
    }

    /**
     * Whether a trial that the bracketing logic would discard as too high can be accepted all
     * the same: it meets strong curvature and either sufficient decrease (a Wolfe point that is
     * merely no lower than the bracket's low end) or the approximate Wolfe test. On a function
     * computed to full accuracy that test asks for a value no higher beyond rounding and at
     * most a relative {@value #APPROXIMATE_TOLERANCE} lower; on a noisy one, where the caller allows it, for a
     * value within the noise of phi(0) and a slope of Hager and Zhang's approximate sufficient
     * decrease (the values cannot decide, the gradient still can). Null if not acceptable.
     */
    private Outcome acceptable(Trial t) {
      if (!(Math.abs(t.dphi) <= -c2 * dphi0)) {
        return null;
      }
      if (sufficientDecrease(t)) {
        return outcome(t, Acceptance.STRONG_WOLFE);
      }
      if (noise == 0 && Double.isFinite(t.phi) && !higher(t.phi, phi0)
          && phi0 - t.phi <= APPROXIMATE_TOLERANCE * Math.abs(phi0)) {
        return outcome(t, Acceptance.APPROXIMATE_WOLFE);
      }
      if (slopes == NoisySlopes.AT_ONCE && bySlopes(t)) {
        return outcome(t, Acceptance.NOISY_APPROXIMATE_WOLFE);
      }
      return null;
    }

    /**
     * Whether the slopes accept a trial that the noise hides: its value within the noise of
     * phi(0), strong curvature, and Hager and Zhang's {@code phi'(a) <= (2 c1 - 1) phi'(0)}.
     */
    private boolean bySlopes(Trial t) {
      return noise > 0 && Double.isFinite(t.phi) && t.phi - phi0 <= noise
          && Math.abs(t.dphi) <= -c2 * dphi0 && t.dphi <= (2 * c1 - 1) * dphi0;
    }

    private Outcome fallback() {
      if (best != null) {
        return outcome(best, Acceptance.SUFFICIENT_DECREASE);
      }
      return new Outcome(start, 0, evaluations, Acceptance.FAILED);
    }

    private Outcome lost() {
      if (slopes != NoisySlopes.NEVER && bySlope != null) {
        return outcome(bySlope, Acceptance.NOISY_APPROXIMATE_WOLFE);
      }
      return new Outcome(start, 0, evaluations, Acceptance.BELOW_NOISE);
    }

    private Outcome outcome(Trial t, Acceptance acceptance) {
      return new Outcome(t.point, t.a, evaluations, acceptance);
    }

    /**
     * Whether a value is above another by more than rounding. Within rounding, values cannot
     * order two trials, and the zoom is steered by the sign of the slope instead.
     */
    private boolean higher(double phi, double than) {
      return phi - than > ROUNDING * Math.abs(than);
    }

    /**
     * Whether a trial is too short for its value to show a decrease: no higher than phi(0)
     * beyond rounding, still descending about as steeply as at 0 (strong curvature fails with a
     * negative slope), and the first-order decrease {@code a |phi'(0)|} within rounding of
     * phi(0). A target a billion times larger than usual (1e16) made the first step of unit
     * length such a trial: sufficient decrease failed by rounding alone, the zoom then shrank the
     * step, and the fit ended "stalled" at every weight 0.
     */
    private boolean tooShortToShow(Trial t) {
      return Double.isFinite(t.phi) && Double.isFinite(t.dphi) && !higher(t.phi, phi0)
          && t.dphi < 0 && Math.abs(t.dphi) > -c2 * dphi0
          && t.a * -dphi0 <= ROUNDING * Math.abs(phi0);
    }

    private boolean sufficientDecrease(Trial t) {
      return Double.isFinite(t.phi) && t.phi - phi0 <= c1 * t.a * dphi0
          && Double.isFinite(t.dphi);
    }

    private Trial evaluate(double a) {
      Point p = Vectors.evaluate(f, Vectors.step(start.x(), a, d));
      evaluations++;
      if (Double.isFinite(p.value())) {
        lowest = Math.min(lowest, p.value());
        if (Math.abs(p.value() - phi0) <= noise) {
          indistinct++;
        }
      }
      double dphi = Vectors.dot(p.gradient(), d);
      Trial t = new Trial(a, p, p.value(), dphi);
      if (sufficientDecrease(t) && (best == null || t.phi < best.phi)) {
        best = t;
      }
      if (slopes != NoisySlopes.NEVER && bySlopes(t)
          && (bySlope == null || Math.abs(t.dphi) < Math.abs(bySlope.dphi))) {
        bySlope = t;
      }
      return t;
    }

    /**
     * The minimizer of the cubic through both ends' values and slopes (N&amp;W eq. 3.59), kept at
     * least a tenth of the interval away from either end; bisection when the cubic is unusable
     * (a non-finite end, or no real minimizer). Where the value at {@code hi} rose more than
     * {@link #FAR_RISE} times what {@code lo}'s slope foretells over the interval, the margin on
     * {@code lo}'s side shrinks by the excess: the curvature then dwarfs the slope (a penalty
     * of 1e25, whose minimizer lies 1e-25 of the first trial away) and the cubic's minimizer is
     * trustworthy, where a tenth at a time spent 1.5 evaluations a decade and ran out of them
     * from an l2 of about 1e24.
     */
    private double interpolate(Trial lo, Trial hi) {
      double left = Math.min(lo.a, hi.a);
      double right = Math.max(lo.a, hi.a);
      double margin = SAFEGUARD * (right - left);
      double rise = hi.phi - lo.phi;
      double foretold = Math.abs(lo.dphi) * (right - left);
      boolean towards = lo.dphi * (hi.a - lo.a) < 0;
      double outran = FAR_RISE * foretold / rise;
      double loMargin = Double.isFinite(rise) && rise > 0 && foretold > 0 && towards
          && outran < 1 ? margin * outran : margin;
      double a = Double.NaN;
      if (Double.isFinite(hi.phi) && Double.isFinite(hi.dphi)) {
        double d1 = lo.dphi + hi.dphi - 3 * (lo.phi - hi.phi) / (lo.a - hi.a);
        double disc = d1 * d1 - lo.dphi * hi.dphi;
        if (disc >= 0) {
          double d2 = Math.copySign(Math.sqrt(disc), hi.a - lo.a);
          a = hi.a - (hi.a - lo.a) * (hi.dphi + d2 - d1) / (hi.dphi - lo.dphi + 2 * d2);
        }
      }
      if (!Double.isFinite(a)) {
        return 0.5 * (left + right);
      }
      return lo.a <= hi.a ? Math.min(Math.max(a, left + loMargin), right - margin)
          : Math.min(Math.max(a, left + margin), right - loMargin);
    }
  }
}
