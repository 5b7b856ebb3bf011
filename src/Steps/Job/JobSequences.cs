using Blacksmith.Steps.Build;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Setup;

namespace Blacksmith.Steps.Job;

/// <summary>The three sequences of commands the job driver runs.</summary>
internal sealed record JobSequences(SetupSequence Setup, BuildSequence Build, PostSequence Post);
