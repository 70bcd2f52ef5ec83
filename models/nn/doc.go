// Package nn provides neural-network layers on gorgonia.
package nn
