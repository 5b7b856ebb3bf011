using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Orchestration.Ports;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Blacksmith.Infrastructure.Tests.LocalStore;

/// <summary>
/// The key and its directory name, as properties over many generated keys and names. A failure is shrunk to the
/// smallest input that still fails (a character dropped or made an 'a' at a time), which is the one the report names.
/// </summary>
public sealed class CacheKeyPropertyTests
{
    // The characters a key may hold, the ones it may not, and the escape: most generated strings mix them.
    private const string KeyCharacters = "aZ9._-/:+@";
    private const string Others = "% \\\n";
    private const string Hex = "0123456789abcdefABCDEF";

    [Property(MaxTest = 500)]
    public Property A_key_is_kept_under_one_safe_directory_name_that_reads_back_as_that_key() =>
        Prop.ForAll(Strings(KeyCharacters + Others), key =>
        {
            if (CacheKeyName.Problem(key) is not null)
            {
                return Refused(key);
            }

            var name = CacheKeyName.Encode(key, "test");
            return !name.Contains('/', StringComparison.Ordinal) && name is not ("." or "..") && CacheKeyName.Decode(name) == key;
        });

    [Property(MaxTest = 500)]
    public Property A_directory_name_stands_for_a_key_only_when_it_is_the_name_the_store_gives_that_key() =>
        Prop.ForAll(Strings(KeyCharacters + "%" + Hex), name => CacheKeyName.Decode(name) is not { } key || CacheKeyName.Encode(key, "test") == name);

    private static bool Refused(string key)
    {
        try
        {
            CacheKeyName.Encode(key, "test");
            return false;
        }
        catch (ExternalCallException)
        {
            return true;
        }
    }

    private static Arbitrary<string> Strings(string alphabet) =>
        Arb.From(Gen.Elements(alphabet.ToCharArray()).ArrayOf().Select(chars => new string(chars)), Shrink);

    // Shorter first, then simpler: each character dropped, then each made 'a'.
    private static IEnumerable<string> Shrink(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            yield return text.Remove(i, 1);
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != 'a')
            {
                yield return string.Concat(text.AsSpan(0, i), "a", text.AsSpan(i + 1));
            }
        }
    }
}
