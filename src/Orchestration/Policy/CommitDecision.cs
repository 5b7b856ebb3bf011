using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Policy;

/// <summary>The commit policy's answer: commit the sticky disk, or skip with a reason.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "decision")]
[JsonDerivedType(typeof(Commit), "commit")]
[JsonDerivedType(typeof(Skip), "skip")]
public abstract record CommitDecision
{
    private CommitDecision()
    {
    }

    [JsonIgnore]
    public bool IsCommit => this is Commit;

    /// <summary>Commit, sending the filesystem usage measured before unmount.</summary>
    public sealed record Commit(long? FsUsageBytes = null) : CommitDecision;

    /// <summary>Do not commit. <paramref name="Reason"/> is the first unmet condition; <paramref name="Also"/> the others.</summary>
    public sealed record Skip(SkipReason Reason, string Detail, IReadOnlyList<SkipReason> Also) : CommitDecision
    {
        public override string ToString() => $"skip ({Reason}): {Detail}";
    }
}
