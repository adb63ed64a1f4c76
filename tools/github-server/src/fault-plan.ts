/**
 * The ways a request can fail on purpose. The plain kinds answer before the request is handled,
 * so nothing changes. The `lost-` kinds handle the request completely (a release is created, an
 * asset stored, a tag placed) and then lose the answer: a 502, a dropped connection, or no
 * answer at all. That is the real case a retrying client must survive: its retry meets its own
 * first attempt (`already_exists`, a release it did not see created).
 */
export type FaultKind = '500' | '502' | '503' | 'rate-limit-403' | 'rate-limit-429' | 'timeout' | 'reset' | LostResponse;

/** Fault kinds that apply the request and then lose the response. */
export type LostResponse = 'lost-502' | 'lost-reset' | 'lost-timeout';

/** True for the kinds that apply the request before failing. */
export function losesResponse(kind: FaultKind): kind is LostResponse {
  return kind.startsWith('lost-');
}

/** Which requests fail, and how. */
export interface FaultPlan {
  /** Probability 0..1 that a matching request fails. */
  rate?: number;
  /** Seed for the choices; the same seed and request sequence give the same faults. */
  seed?: number;
  /** Kinds to choose from (default: 500, 502, 503). */
  kinds?: FaultKind[];
  /** Only requests whose `METHOD /path` (API path without query, e.g. `POST /repos/o/r/releases`) matches. */
  match?: RegExp;
  /** Fail exactly the next N matching requests, then stop failing. */
  next?: number;
}

/** Decides, request by request, whether and how to fail. Stateful (counts `next`, advances the PRNG). */
export interface FaultInjector {
  pick(method: string, path: string): FaultKind | undefined;
}

// mulberry32: tiny, fast and good enough to spread faults; determinism is what matters here.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds the injector for `plan`; `undefined` never fails anything. */
export function faultInjector(plan: FaultPlan | undefined): FaultInjector {
  if (!plan) return { pick: () => undefined };
  const random = prng(plan.seed ?? 1);
  const kinds = plan.kinds?.length ? plan.kinds : (['500', '502', '503'] as FaultKind[]);
  let remaining = plan.next;
  return {
    pick(method, path) {
      if (plan.match && !plan.match.test(`${method} ${path}`)) return undefined;
      let fail: boolean;
      if (remaining !== undefined) {
        fail = remaining > 0;
        if (fail) remaining--;
      } else fail = random() < (plan.rate ?? 0);
      return fail ? kinds[Math.floor(random() * kinds.length)] : undefined;
    },
  };
}
