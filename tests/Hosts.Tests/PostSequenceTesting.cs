using Blacksmith.Steps;
using Blacksmith.Steps.Post;

namespace Blacksmith.Hosts.Tests;

/// <summary>The post of a test job, as the session that ran its setup, where <see cref="TestEngine.Launch"/> put it.</summary>
internal static class PostSequenceTesting
{
    public static Task<SequenceOutcome> RunAsync(this PostSequence post, string session, CancellationToken cancellationToken) =>
        post.RunAsync(session, TestEngine.Launch, cancellationToken);
}
