using Blacksmith.Steps.Build;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Setup;

namespace Blacksmith.Steps.Job;

/// <summary>
/// The three sequences of commands the job driver runs, each built when a step first runs it: a step's process runs
/// one of them, and the build sequence alone would build the image builder in every setup and post.
/// </summary>
internal sealed class JobSequences
{
    private readonly Lazy<SetupSequence> _setup;
    private readonly Lazy<BuildSequence> _build;
    private readonly Lazy<PostSequence> _post;

    public JobSequences(SetupSequence setup, BuildSequence build, PostSequence post)
        : this(() => setup, () => build, () => post)
    {
    }

    public JobSequences(Func<SetupSequence> setup, Func<BuildSequence> build, Func<PostSequence> post)
    {
        _setup = new Lazy<SetupSequence>(setup);
        _build = new Lazy<BuildSequence>(build);
        _post = new Lazy<PostSequence>(post);
    }

    public SetupSequence Setup => _setup.Value;

    public BuildSequence Build => _build.Value;

    public PostSequence Post => _post.Value;
}
