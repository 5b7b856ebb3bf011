namespace Blacksmith.Doubles.Docker;

/// <summary>Just enough of a Dockerfile to show its steps: instructions with continuations joined, comments dropped.</summary>
internal sealed record Dockerfile(string Name, int Size, IReadOnlyList<string> Instructions)
{
    /// <summary>What a build from a git URL or stdin shows: the double does not fetch it.</summary>
    public static Dockerfile Remote { get; } = new("Dockerfile", 42, ["FROM alpine", "RUN true"]);

    public static Dockerfile Read(string path)
    {
        var text = File.ReadAllText(path);
        var instructions = new List<string>();
        var pending = string.Empty;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }

            instructions.Add((pending + line).Trim());
            pending = string.Empty;
        }

        if (pending.Length > 0)
        {
            instructions.Add(pending.Trim());
        }

        return new Dockerfile(Path.GetFileName(path), text.Length, instructions);
    }

    /// <summary>The images the stages start from (not <c>scratch</c>, not an earlier stage), normalised as BuildKit shows them.</summary>
    public IReadOnlyList<string> BaseImages()
    {
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var images = new List<string>();
        foreach (var instruction in Instructions.Where(i => i.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase)))
        {
            var words = instruction.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
            if (words.Length < 2)
            {
                continue;
            }

            var image = words[1];
            if (!image.Equals("scratch", StringComparison.OrdinalIgnoreCase) && !stages.Contains(image))
            {
                var normalised = ImageReference.Normalize(image);
                if (!images.Contains(normalised))
                {
                    images.Add(normalised);
                }
            }

            if (words.Length >= 4 && words[2].Equals("AS", StringComparison.OrdinalIgnoreCase))
            {
                stages.Add(words[3]);
            }
        }

        return images;
    }
}
