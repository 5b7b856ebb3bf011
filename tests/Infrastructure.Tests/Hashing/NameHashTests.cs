using System.Security.Cryptography;
using System.Text;
using Blacksmith.Infrastructure.Hashing;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.Hashing;

public sealed class NameHashTests
{
    [Fact]
    public void Names_hash_exactly_as_the_platforms_SHA256_so_claims_and_secret_directories_keep_their_names()
    {
        var faker = new Faker { Random = new Randomizer(1705) };
        // Every padding case (55, 56, 63, 64 bytes and more) plus varied paths, some of them not ASCII.
        IEnumerable<string> texts =
        [
            string.Empty, "abc", new string('a', 55), new string('a', 56), new string('a', 63), new string('a', 64), new string('b', 119),
            .. Enumerable.Range(0, 200).Select(_ => faker.System.DirectoryPath() + "/" + faker.Lorem.Word() + faker.Random.String2(0, 150, "aé€/_-")),
        ];

        foreach (var text in texts)
        {
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), NameHash.Sha256Hex(text));
        }
    }
}
