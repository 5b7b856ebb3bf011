using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Orchestration.Tests.Policy;

/// <summary>A snapshot whose first unmet commit condition is one reason, and the reasons expected after it.</summary>
/// <param name="Situation">The job, in words, for the failure message.</param>
/// <param name="Snapshot">The snapshot the policy is asked about.</param>
/// <param name="Also">The other unmet conditions, in the policy's order.</param>
internal sealed record SkipCase(string Situation, LifecycleSnapshot Snapshot, IReadOnlyList<SkipReason> Also);
