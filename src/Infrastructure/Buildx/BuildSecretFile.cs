using System.Text;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>A secret value the build reads from a 0600 file in its temporary directory (never from argv).</summary>
/// <param name="Path">Where the file goes; inside the build's temporary directory.</param>
/// <param name="Id">The secret's id in the build (<c>--secret id=...</c>).</param>
/// <param name="Value">The secret itself, written as UTF-8 without a trailing newline.</param>
public sealed record BuildSecretFile(string Path, string Id, string Value)
{
    // The generated ToString would print the value.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Path = ").Append(Path).Append(", Id = ").Append(Id).Append(", Value = (hidden)");
        return true;
    }
}
