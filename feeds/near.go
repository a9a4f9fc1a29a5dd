package feeds

import "math/bits"

// similarity of two SimHashes: the share of their 64 bits that agree. Two
// texts that differ in a few words land a few bits apart; unrelated texts
// about 32 bits apart (0.5).
func similarity(a, b uint64) float64 {
	return 1 - float64(bits.OnesCount64(a^b))/64
}

// nearest finds the kept item of another source most similar to key i, at
// least near; it returns (-1, 0) when there is none or near is 0 (off).
// Kept items are compared one by one: a feed's window is small, and the
// hashes were computed once, at ingest.
func nearest(keys []dupKey, kept []int, i int, near float64) (int, float64) {
	k := keys[i]
	if near <= 0 || k.simHash == 0 {
		return -1, 0
	}
	best, bestSim := -1, 0.0
	for _, j := range kept {
		o := keys[j]
		if o.source == k.source || o.simHash == 0 {
			continue // within a source the id identifies an item
		}
		if s := similarity(k.simHash, o.simHash); s >= near && s > bestSim {
			best, bestSim = j, s
		}
	}
	return best, bestSim
}
