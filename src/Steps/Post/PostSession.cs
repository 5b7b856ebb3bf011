using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Steps.Post;

/// <summary>
/// Which session a post acts as. Where every setup gets a post of its own (GitHub Actions: each action invocation has
/// its post and its saved state), a post acts as the setup that saved its state: the owner's drains, an attached or
/// refused setup's only reports, since the owner's own post will drain. Elsewhere a job has one post, and the state one
/// setup saved may be another setup's (a later or concurrent one that attached or was refused, a copied state file):
/// there the post drains as the builder's owner, so that the only post is never a no-op that leaves everything held.
/// A post whose setup saved nothing (killed at once) acts as the owner too.
/// </summary>
internal static class PostSession
{
    public static string Resolve(LifecycleSnapshot journal, PostPlan plan)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.PostPerSetup && plan.SavedSession is { } saved)
        {
            return saved;
        }

        return journal.OwnerSession ?? plan.SavedSession ?? plan.FreshSession;
    }
}
